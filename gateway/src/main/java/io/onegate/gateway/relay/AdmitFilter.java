package io.onegate.gateway.relay;

import io.onegate.common.balance.BalanceLeases;
import io.onegate.common.balance.LiveBalances;
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
    var user = ctx.caller().user();
    var token = ctx.caller().token();
    return balances.reserve(ctx.vertxContext(), user.id(), new LiveBalances.Seed(user.quota(), user.quotaGeneration()),
            ctx.limitedTokenId(), new LiveBalances.Seed(token.remainQuota(), token.quotaGeneration()), estimate)
        .recover(err -> {
          LOG.error("request {}: live balance unavailable: {}", ctx.requestId(), err.getMessage());
          return Future.failedFuture(err);
        })
        .compose(admission -> admission.admitted() ? next.proceed(ctx.withReserved(estimate, admission))
            : Future.succeededFuture(RelayResult.refused(GatewayError.INSUFFICIENT_QUOTA, estimate)));
  }
}
