package io.onegate.gateway.relay;

import io.onegate.common.balance.BalanceLeases;
import io.onegate.common.error.FailureClass;
import io.onegate.common.event.UsageSink;
import io.vertx.core.Future;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settlement of an admitted request, once, after all its attempts: the actual charge ({@link Settlement}), the
 * reservation settled to it on the live balances, the request's one usage event handed to the {@link UsageSink},
 * and only then the held-back end of the client's answer ({@link ClientFinish}; the sink's ordering contract). A
 * failure inside the rest of the chain is settled as a failed attempt (quota 0), never left unsettled.
 */
final class SettleFilter implements RelayFilter {
  private static final Logger LOG = LoggerFactory.getLogger(SettleFilter.class);
  private final BalanceLeases balances;
  private final UsageSink events;
  private final Clock clock;

  SettleFilter(RelayServices services) {
    this.balances = services.balances();
    this.events = services.events();
    this.clock = services.clock();
  }

  @Override
  public Future<RelayResult> apply(RelayContext ctx, RelayChain next) {
    return next.proceed(ctx)
        .recover(err -> {
          LOG.error("request {} failed inside the gateway: {}", ctx.requestId(), err.toString());
          return Future.succeededFuture(RelayResult.attempted(null, null,
              AttemptResult.failed(GatewayError.INTERNAL.failure(FailureClass.UNKNOWN))));
        })
        .map(result -> {
          settle(ctx, result);
          return result;
        });
  }

  private void settle(RelayContext ctx, RelayResult result) {
    Settlement settlement = Settlement.of(ctx, result);
    balances.settle(ctx.vertxContext(), ctx.caller().user().id(), ctx.limitedTokenId(), ctx.admission(),
        ctx.reserved(), settlement.quota());
    try {
      events.usage(settlement.event(ctx, clock.millis(), System.nanoTime(), balances.epoch()));
    } finally {
      if (result.attempt() != null) {
        result.attempt().finish().run();
      }
    }
  }
}
