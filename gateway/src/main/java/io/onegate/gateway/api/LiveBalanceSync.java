package io.onegate.gateway.api;

import io.onegate.common.balance.LiveBalances;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * {@link BalanceSync} over the cluster's {@link LiveBalances}: a committed quota change moves the user's live
 * settled balance by the same delta; a token whose quota its owner set is forgotten so the next request re-seeds
 * it from the (already reloaded) snapshot.
 */
public final class LiveBalanceSync implements BalanceSync {
  private final Vertx vertx;
  private final LiveBalances balances;

  public LiveBalanceSync(Vertx vertx, LiveBalances balances) {
    this.vertx = vertx;
    this.balances = balances;
  }

  @Override
  public Future<Void> userQuotaChanged(int userId, long delta, long newQuota) {
    return balances.creditUser(vertx.getOrCreateContext(), userId, delta);
  }

  @Override
  public Future<Void> tokenQuotaChanged(int tokenId) {
    return balances.resetToken(vertx.getOrCreateContext(), tokenId);
  }
}
