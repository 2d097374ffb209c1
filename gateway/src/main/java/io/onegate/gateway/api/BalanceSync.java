package io.onegate.gateway.api;

import io.vertx.core.Future;

/**
 * Keeps the cluster's live balances (Hazelcast) in step with quota changes the management API committed to
 * PostgreSQL ("Postgres first, then the live value"). Called after the commit; a failure is logged, not returned
 * (the change is committed, and the USER/TOKEN change notice and the reconciliation backstop still follow).
 * Wired by the composition root to the relay/billing {@code LiveBalances}; {@link #NONE} relies on the change
 * notices alone.
 */
public interface BalanceSync {

  /** The user's settled quota moved by {@code delta} to {@code newQuota} (top-up, redeem, admin edit, bonus). */
  Future<Void> userQuotaChanged(int userId, long delta, long newQuota);

  /** A token's remaining quota or unlimited flag was set by its owner: its live entry must be re-seeded. */
  Future<Void> tokenQuotaChanged(int tokenId);

  BalanceSync NONE = new BalanceSync() {
    @Override
    public Future<Void> userQuotaChanged(int userId, long delta, long newQuota) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> tokenQuotaChanged(int tokenId) {
      return Future.succeededFuture();
    }
  };
}
