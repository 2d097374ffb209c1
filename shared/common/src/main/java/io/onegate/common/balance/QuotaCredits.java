package io.onegate.common.balance;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * Money in, the one way: PostgreSQL first (inside the caller's transaction, bumping {@code quota_version}), then —
 * after the commit — the live balance every gateway admits against ({@link #publish}, one Hazelcast call, visible
 * cluster-wide at once). Used by top-ups, redemptions and registration bonuses; an admin's absolute quota edit
 * (management API) also bumps {@code quota_generation} and publishes the same way.
 */
public final class QuotaCredits {
  private QuotaCredits() {
  }

  /**
   * A user's quota after a committed change. {@code before} is the quota before it (for manage logs);
   * {@code version} and {@code generation} are the row's {@code quota_version} and {@code quota_generation}.
   */
  public record QuotaState(int userId, long before, long quota, long version, long generation) {
  }

  /** quota += delta (negative to debit); empty when the user does not exist. Run it in the caller's transaction. */
  public static Future<Optional<QuotaState>> credit(SqlClient tx, int userId, long delta) {
    return tx.preparedQuery("UPDATE users SET quota = quota + $2, quota_version = quota_version + 1 WHERE id = $1 "
        + "RETURNING quota, quota_version, quota_generation").execute(Tuple.of(userId, delta))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next())
            .map(r -> new QuotaState(userId, r.getLong(0) - delta, r.getLong(0), r.getLong(1), r.getLong(2))));
  }

  /**
   * After the commit: the live balance takes PostgreSQL's value (absolute, at its version, so a concurrent billing
   * flush can never be double counted or undone; at a newer generation, what was pending under the old value is
   * dropped). Completes when the owning Hazelcast member applied it.
   */
  public static Future<Void> publish(LiveBalances balances, Context ctx, QuotaState state) {
    return balances.ledgerUser(ctx, state.userId(), 0, state.quota(), state.version(), state.generation());
  }

  /** One API's quota text for logs: dollars at {@code quotaPerUnit} quota per USD, e.g. "$0.500000 额度". */
  public static String quotaText(long quota, double quotaPerUnit) {
    return String.format("$%.6f 额度", quota / quotaPerUnit);
  }
}
