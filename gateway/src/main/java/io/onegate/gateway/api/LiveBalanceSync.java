package io.onegate.gateway.api;

import io.onegate.common.balance.LiveBalances;
import io.onegate.common.balance.QuotaCredits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * {@link BalanceSync} over the cluster's {@link LiveBalances}: a committed quota change publishes the user's
 * absolute quota at its {@code quota_version} and {@code quota_generation} ({@link QuotaCredits#publish}; an older
 * version than the entry's is ignored); likewise a limited token's remaining quota; a token made unlimited loses its
 * entry (unlimited tokens have none).
 */
public final class LiveBalanceSync implements BalanceSync {
  private final Vertx vertx;
  private final LiveBalances balances;

  public LiveBalanceSync(Vertx vertx, LiveBalances balances) {
    this.vertx = vertx;
    this.balances = balances;
  }

  @Override
  public Future<Void> userQuotaChanged(QuotaCredits.QuotaState state) {
    return QuotaCredits.publish(balances, vertx.getOrCreateContext(), state);
  }

  @Override
  public Future<Void> tokenQuotaChanged(int tokenId, long remainQuota, long quotaVersion, long quotaGeneration,
                                       boolean unlimited) {
    return unlimited ? balances.resetToken(vertx.getOrCreateContext(), tokenId)
        : balances.ledgerToken(vertx.getOrCreateContext(), tokenId, 0, remainQuota, quotaVersion, quotaGeneration);
  }
}
