package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.onegate.gateway.state.ChannelHoldView;
import io.vertx.core.Future;
import java.util.random.RandomGenerator;

/**
 * The attempts of one request over its {@link Route}: picks a channel (with the injected
 * {@link RandomGenerator}, channels on a health hold — cool-down, open breaker — only when no other is left),
 * proceeds with it, and while {@link Route#retries} says so picks again from the route
 * without the channel that failed; at most {@code 1 + RetryTimes} attempts, and none once the request's
 * {@code RELAY_TIMEOUT} has passed. Returns the last attempt's result.
 */
final class RetryFilter implements RelayFilter {
  private final RandomGenerator random;
  private final ChannelHoldView holds;
  private final long relayTimeoutNanos;

  RetryFilter(RelayServices services) {
    this.random = services.random();
    this.holds = services.holds();
    this.relayTimeoutNanos = services.upstream() == null ? 0 : services.upstream().relayTimeout().toNanos();
  }

  @Override
  public Future<RelayResult> apply(RelayContext ctx, RelayChain next) {
    return attempt(ctx, next, ctx.route(), 0, null);
  }

  private Future<RelayResult> attempt(RelayContext ctx, RelayChain next, Route route, int number,
                                      RelayResult last) {
    Channel channel = route.pick(random, holds::held);
    if (channel == null) {
      return Future.succeededFuture(last != null ? last
          : RelayResult.refused(GatewayError.NO_CHANNEL, ctx.request().model(), ctx.caller().user().group()));
    }
    return next.proceed(ctx.withAttempt(channel, number)).compose(result -> route.retries(result.attempt(), number,
            ctx.snapshot().options().longValue("RetryTimes"), ctx.client().closed()) && !expired(ctx)
        ? attempt(ctx, next, route.excluding(channel), number + 1, result).map(r -> r.after(result.errors()))
        : Future.succeededFuture(result));
  }

  /** Whether the request's RELAY_TIMEOUT has passed (no time is left for another attempt). */
  private boolean expired(RelayContext ctx) {
    return relayTimeoutNanos > 0 && System.nanoTime() - ctx.startNanos() >= relayTimeoutNanos;
  }
}
