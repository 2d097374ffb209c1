package io.onegate.gateway.api;

import io.onegate.common.balance.QuotaCredits;
import io.vertx.core.Future;

/**
 * Keeps the cluster's live balances (Hazelcast) in step with quota changes the management API committed to
 * PostgreSQL ("Postgres first, then the live value"). Called after the commit; a failure is logged, not returned
 * (the change is committed, and the USER/TOKEN change notice and the next billing flush still follow).
 * Wired by the composition root to the relay/billing {@code LiveBalances}; {@link #NONE} relies on the change
 * notices alone.
 */
public interface BalanceSync {

  /**
   * The user's quota committed by a top-up, redemption, admin edit or bonus: the absolute value and the row's
   * {@code quota_version}, both read in the committing transaction. Applied only when newer than what the live
   * entry holds, so a billing flush committed in between is neither undone nor counted twice.
   */
  Future<Void> userQuotaChanged(QuotaCredits.QuotaState state);

  /**
   * A token's remaining quota or unlimited flag was set by its owner: its remaining quota, {@code quota_version} and
   * {@code quota_generation} as committed (applied only when newer than the live entry's, like users; a newer
   * generation drops what was pending under the old value); an unlimited token has no entry.
   */
  Future<Void> tokenQuotaChanged(int tokenId, long remainQuota, long quotaVersion, long quotaGeneration,
                                 boolean unlimited);

  BalanceSync NONE = new BalanceSync() {
    @Override
    public Future<Void> userQuotaChanged(QuotaCredits.QuotaState state) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> tokenQuotaChanged(int tokenId, long remainQuota, long quotaVersion, long quotaGeneration,
                                          boolean unlimited) {
      return Future.succeededFuture();
    }
  };
}
