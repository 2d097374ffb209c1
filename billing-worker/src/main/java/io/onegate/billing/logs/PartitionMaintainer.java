package io.onegate.billing.logs;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the monthly partitions of {@code logs} and {@code usage_applied} created {@value #MONTHS_AHEAD} months
 * ahead and drops the ones past retention: a log partition when its whole month ended more than
 * {@code LOG_RETENTION_DAYS} ago (0 = never), a dedup partition after {@code USAGE_DEDUP_RETENTION_DAYS}. Runs at
 * start and then hourly on every billing worker (the SQL functions are idempotent).
 */
public final class PartitionMaintainer {
  static final int MONTHS_AHEAD = 2;
  private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintainer.class);

  private final Pool pg;
  private final Clock clock;
  private final int logRetentionDays;
  private final int dedupRetentionDays;

  public PartitionMaintainer(Pool pg, Clock clock, int logRetentionDays, int dedupRetentionDays) {
    this.pg = pg;
    this.clock = clock;
    this.logRetentionDays = logRetentionDays;
    this.dedupRetentionDays = dedupRetentionDays;
  }

  /** One pass; completes with the number of partitions dropped. */
  public Future<Integer> run() {
    long now = clock.instant().getEpochSecond();
    return ensure("logs", "created_at", now)
        .compose(v -> ensure("usage_applied", "occurred_at", now))
        .compose(v -> logRetentionDays <= 0 ? Future.succeededFuture(0)
            : drop("logs", now - Duration.ofDays(logRetentionDays).toSeconds()))
        .compose(logs -> drop("usage_applied", now - Duration.ofDays(dedupRetentionDays).toSeconds())
            .map(dedup -> logs + dedup))
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("dropped {} partition(s) past retention", n);
          }
        })
        .onFailure(err -> LOG.warn("partition maintenance failed: {}", err.getMessage()));
  }

  private Future<Void> ensure(String table, String column, long now) {
    return pg.preparedQuery("SELECT onegate_ensure_monthly_partitions($1, $2, $3, $4)")
        .execute(Tuple.of(table, column, now, MONTHS_AHEAD)).mapEmpty();
  }

  private Future<Integer> drop(String table, long before) {
    return pg.preparedQuery("SELECT onegate_drop_monthly_partitions($1, $2)").execute(Tuple.of(table, before))
        .map(rows -> rows.iterator().next().getInteger(0));
  }
}
