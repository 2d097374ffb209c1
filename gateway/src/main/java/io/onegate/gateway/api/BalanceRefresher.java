package io.onegate.gateway.api;

import io.vertx.core.Future;

/**
 * Refreshes channel balances for {@code GET /api/channel/update_balance[/:id]}. Implemented by the billing side
 * (wired by the composition root); until then {@link #UNAVAILABLE} answers with a 501 "not available yet".
 */
public interface BalanceRefresher {

  /** Queries the provider's balance endpoint, stores balance and balance_updated_time, returns the balance (USD). */
  Future<Double> refresh(int channelId);

  /** Starts refreshing every enabled channel in the background; completes once started. */
  Future<Void> refreshAll();

  BalanceRefresher UNAVAILABLE = new BalanceRefresher() {
    @Override
    public Future<Double> refresh(int channelId) {
      return Future.failedFuture(ApiException.refused("balance refresh is not available yet in this build "
          + "(no balance refresher is wired)"));
    }

    @Override
    public Future<Void> refreshAll() {
      return refresh(0).mapEmpty();
    }
  };
}
