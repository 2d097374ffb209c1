package io.onegate.gateway.api;

import io.onegate.common.balance.LiveBalances;
import io.onegate.common.balance.QuotaCredits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * {@link BalanceSync} over the cluster's {@link LiveBalances}: a committed quota change publishes the user's
 * absolute quota at its {@code quota_version} ({@link QuotaCredits#publish}; an older version than the entry's is
 * ignored); a token whose quota its owner set is forgotten so the next request re-seeds it from the (already
 * reloaded) snapshot.
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
  public Future<Void> tokenQuotaChanged(int tokenId) {
    return balances.resetToken(vertx.getOrCreateContext(), tokenId);
  }
}
