package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.Set;

/**
 * Channel selection and retries: highest priority first, weighted random within a priority (injected
 * RandomGenerator), channels on a health hold (cool-down, open breaker) only when no other is left, at most {@code 1 + RetryTimes} attempts, never re-picking a channel that failed in this
 * request, falling to lower priorities when a tier is used up. Retries only failures whose class another channel
 * may fix (never a client 400), never after bytes reached the client, never with a pinned channel.
 */
final class RetryFilter implements RelayFilter {
  private final RelayServices s;

  RetryFilter(RelayServices services) {
    this.s = services;
  }

  @Override
  public Future<RelayResult> apply(RelayContext ctx, RelayChain next) {
    return attempt(ctx, next, 0, new HashSet<>(), null);
  }

  private Future<RelayResult> attempt(RelayContext ctx, RelayChain next, int number, Set<Integer> excluded,
                                      RelayResult last) {
    Channel channel = s.holds().pick(ctx.tiers(), excluded, s.random());
    if (channel == null) {
      return Future.succeededFuture(last);
    }
    return next.proceed(ctx.withAttempt(channel, number)).compose(result -> {
      AttemptResult r = result.attempt();
      boolean retry = r.kind() == AttemptResult.Kind.FAILED && r.failure().failureClass().retryOnAnotherChannel()
          && ctx.caller().pinnedChannel() == 0 && number < retryTimes(ctx) && !ctx.client().closed();
      if (!retry) {
        return Future.succeededFuture(result);
      }
      excluded.add(channel.id());
      return attempt(ctx, next, number + 1, excluded, result);
    });
  }

  private static int retryTimes(RelayContext ctx) {
    return (int) Math.max(0, ctx.snapshot().options().longValue("RetryTimes"));
  }
}
