package io.onegate.gateway.relay;

import io.onegate.common.balance.BalanceLeases;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission: reserves the request's estimate on the cluster-wide live balances (the user, and the token when it
 * is limited) through the node's {@link BalanceLeases}, or refuses with 429 {@code insufficient_user_quota}. From
 * here on the request is admitted: {@link SettleFilter} settles the reservation and emits its usage event.
 */
final class AdmitFilter implements RelayFilter {
  private static final Logger LOG = LoggerFactory.getLogger(AdmitFilter.class);
  private final BalanceLeases balances;

  AdmitFilter(RelayServices services) {
    this.balances = services.balances();
  }

  @Override
  public Future<RelayResult> apply(RelayContext ctx, RelayChain next) {
    long estimate = ctx.estimate();
    return balances.reserve(ctx.vertxContext(), ctx.caller().user().id(), ctx.caller().user().quota(),
            ctx.limitedTokenId(), ctx.caller().token().remainQuota(), estimate)
        .recover(err -> {
          LOG.error("request {}: live balance unavailable: {}", ctx.requestId(), err.getMessage());
          return Future.failedFuture(err);
        })
        .compose(ok -> ok ? next.proceed(ctx.withReserved(estimate))
            : Future.succeededFuture(RelayResult.refused(GatewayError.INSUFFICIENT_QUOTA, estimate)));
  }
}
