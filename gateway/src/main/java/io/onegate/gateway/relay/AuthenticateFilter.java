package io.onegate.gateway.relay;

import io.vertx.core.Future;

/**
 * Authenticates the caller against the node's snapshot ({@link TokenAuthenticator}: key or an administrator's
 * access token, token status, expiry, remaining quota, subnet of the client IP, owner enabled, channel pin by key
 * suffix or {@code Aiproxy-Channel} header); refuses with the matching
 * {@link GatewayError}, else proceeds with the {@link Caller}.
 */
final class AuthenticateFilter implements RelayFilter {
  private final TokenAuthenticator auth;
  private final ClientIp clientIp;

  AuthenticateFilter(RelayServices services) {
    this.auth = new TokenAuthenticator(services.clock());
    this.clientIp = services.clientIp();
  }

  @Override
  public Future<RelayResult> apply(RelayContext ctx, RelayChain next) {
    Caller caller;
    try {
      caller = auth.authenticate(ctx.snapshot(), ctx.headers().get("Authorization"),
          clientIp.resolve(ctx.peerAddress(), ctx.headers().get("X-Forwarded-For")),
          ctx.headers().get(TokenAuthenticator.CHANNEL_HEADER));
    } catch (Refusal refused) {
      RelayResult result = refused.result();
      return Future.succeededFuture(refused.who() == null ? result : result.withContext(ctx.withCaller(refused.who())));
    }
    return next.proceed(ctx.withCaller(caller));
  }
}
