package io.onegate.gateway.relay;

import io.vertx.core.Future;

/**
 * Finds the channels that may serve the request ({@link Route#of}: the pinned channel, or the group × model
 * priority tiers); refuses with 503 {@code no_available_channel} when there are none, else proceeds with the
 * {@link Route}. The attempts over it are {@link RetryFilter}'s.
 */
final class RouteFilter implements RelayFilter {

  @Override
  public Future<RelayResult> apply(RelayContext ctx, RelayChain next) {
    Route route = Route.of(ctx.snapshot(), ctx.caller(), ctx.request().model());
    if (route.isEmpty()) {
      return Future.succeededFuture(RelayResult.refused(GatewayError.NO_CHANNEL, ctx.request().model(),
          ctx.caller().user().group()));
    }
    return next.proceed(ctx.withRoute(route));
  }
}
