package io.onegate.gateway.relay;

import io.vertx.ext.web.RoutingContext;

/**
 * Token authentication for the /v1 routes that are not relayed (models, billing dashboard): the client IP as the
 * relay finds it ({@link ClientIp}) and the caller from the node's snapshot, or the auth error written in OpenAI's
 * shape.
 */
final class TokenRouteAuth {
  private final RelayServices services;
  private final TokenAuthenticator auth;

  TokenRouteAuth(RelayServices services) {
    this.services = services;
    this.auth = new TokenAuthenticator(services.clock());
  }

  /** The client's address (X-Forwarded-For only from TRUSTED_PROXIES); null when unknown. */
  byte[] clientIp(RoutingContext ctx) {
    return services.clientIp().resolve(ctx.request().remoteAddress() == null ? null
        : ctx.request().remoteAddress().hostAddress(), ctx.request().getHeader("X-Forwarded-For"));
  }

  /** The caller, or null after the error response was written. */
  Caller callerOrReply(RoutingContext ctx, byte[] clientIp) {
    try {
      return auth.authenticate(services.state().current(), ctx.request().getHeader("Authorization"), clientIp);
    } catch (Refusal e) {
      ErrorResponses.write(ctx.response(), ctx.get(RelayRoutes.REQUEST_ID), e.error(), e.args());
      return null;
    }
  }
}
