package io.onegate.health.schedule;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** Claims scheduled test rounds in {@code health_test_rounds}: a round is claimed by exactly one worker, ever. */
public final class RoundRepository {
  private final Pool pg;

  public RoundRepository(Pool pg) {
    this.pg = pg;
  }

  /** True when this call claimed round {@code roundId} of period {@code periodSeconds}; false when already taken. */
  public Future<Boolean> claim(long roundId, int periodSeconds, long nowSeconds, String member) {
    return pg.preparedQuery("INSERT INTO health_test_rounds (round_id, period_s, claimed_at, claimed_by) "
            + "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(roundId, periodSeconds, nowSeconds, member))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Void> finish(long roundId, int periodSeconds, long nowSeconds, int tested, int failed) {
    return pg.preparedQuery("UPDATE health_test_rounds SET finished_at = $3, tested = $4, failed = $5 "
            + "WHERE round_id = $1 AND period_s = $2")
        .execute(Tuple.of(roundId, periodSeconds, nowSeconds, tested, failed))
        .mapEmpty();
  }
}
