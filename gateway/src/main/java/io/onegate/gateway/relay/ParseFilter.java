package io.onegate.gateway.relay;

import io.vertx.core.Future;

/**
 * Parses the client's body ({@link RequestParser}: 400 for malformed JSON and missing fields, One API's default
 * models) and, as soon as the model is known, applies the token's model allow-list (403); proceeds with the
 * {@link RelayRequest}.
 */
final class ParseFilter implements RelayFilter {

  @Override
  public Future<RelayResult> apply(RelayContext ctx, RelayChain next) {
    RelayRequest request;
    try {
      request = RequestParser.parse(ctx.endpoint(), ctx.headers().get("Content-Type"), ctx.body(), ctx.pathModel());
      TokenAuthenticator.checkModel(ctx.caller(), request.model());
    } catch (Refusal refused) {
      return Future.succeededFuture(refused.result());
    }
    return next.proceed(ctx.withRequest(request));
  }
}
