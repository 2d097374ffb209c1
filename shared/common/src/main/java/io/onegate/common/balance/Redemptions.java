package io.onegate.common.balance;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Redemption codes ({@code redemptions}, One API's table and statuses). A code is redeemed by ONE conditional
 * update ({@code status = 1 → 3}) in the same transaction as the credit and the top-up log, so any number of
 * concurrent redeems of one code credit exactly once.
 */
public final class Redemptions {
  public static final int STATUS_ENABLED = 1;
  public static final int STATUS_DISABLED = 2;
  public static final int STATUS_USED = 3;
  /** One API's messages. */
  public static final String INVALID = "无效的兑换码";
  public static final String USED = "该兑换码已被使用";

  private final Pool pg;
  private final Clock clock;

  public Redemptions(Pool pg, Clock clock) {
    this.pg = pg;
    this.clock = clock;
  }

  /** The outcome of a redeem: the credited state, or One API's error message. */
  public sealed interface Outcome permits Redeemed, Refused {
  }

  public record Redeemed(long quota, QuotaCredits.QuotaState state) implements Outcome {
  }

  public record Refused(String message) implements Outcome {
  }

  /** Creates {@code count} codes of {@code quota} named {@code name} by admin {@code adminId}; returns the keys. */
  public Future<List<String>> create(int adminId, String name, long quota, int count, RandomGenerator random) {
    long now = clock.instant().getEpochSecond();
    List<Tuple> rows = new ArrayList<>(count);
    List<String> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] bytes = new byte[16];
      random.nextBytes(bytes);
      String key = HexFormat.of().formatHex(bytes);
      keys.add(key);
      rows.add(Tuple.of(adminId, key, name, quota, now));
    }
    return pg.preparedQuery("INSERT INTO redemptions (user_id, key, status, name, quota, created_time) "
        + "VALUES ($1, $2, 1, $3, $4, $5)").executeBatch(rows).map(keys);
  }

  /**
   * Redeems {@code key} for {@code userId}: marks it used, credits the user and writes a top-up log (type 1), all
   * in one transaction. Call {@link QuotaCredits#publish} with the returned state after it completes.
   */
  public Future<Outcome> redeem(String key, int userId, double quotaPerUnit) {
    long now = clock.instant().getEpochSecond();
    return pg.withTransaction(tx -> tx.preparedQuery("UPDATE redemptions SET status = 3, redeemed_time = $2, "
            + "redeemed_by = $3 WHERE key = $1 AND status = 1 RETURNING quota").execute(Tuple.of(key, now, userId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return exists(tx, key).map(found -> (Outcome) new Refused(found ? USED : INVALID));
          }
          long quota = rows.iterator().next().getLong(0);
          return QuotaCredits.credit(tx, userId, quota).compose(state -> state.isEmpty()
              ? Future.failedFuture("user " + userId + " does not exist")
              : topUpLog(tx, userId, now, quota, "通过兑换码充值 " + QuotaCredits.quotaText(quota, quotaPerUnit))
                  .map(v -> (Outcome) new Redeemed(quota, state.get())));
        }));
  }

  private static Future<Boolean> exists(SqlClient tx, String key) {
    return tx.preparedQuery("SELECT 1 FROM redemptions WHERE key = $1").execute(Tuple.of(key))
        .map(rows -> rows.size() > 0);
  }

  /** A top-up log row (One API type 1) with the user's name. */
  static Future<Void> topUpLog(SqlClient tx, int userId, long now, long quota, String content) {
    return tx.preparedQuery("INSERT INTO logs (user_id, created_at, type, content, username, quota) "
        + "SELECT id, $2, 1, $3, username, $4 FROM users WHERE id = $1")
        .execute(Tuple.of(userId, now, content, quota)).mapEmpty();
  }
}
