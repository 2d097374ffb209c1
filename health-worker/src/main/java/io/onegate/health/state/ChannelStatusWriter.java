package io.onegate.health.state;

import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.domain.ChangeNotice;
import io.onegate.common.domain.ChannelStatus;
import io.onegate.health.policy.Decision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies automatic status decisions. In one transaction: moves {@code channels.status} 1→3 or 3→1 only (a
 * manually disabled channel, status 2, is never touched), sets status_changed_time and status_reason, flips
 * {@code abilities.enabled}, and writes a system log row (type 4) with the reason. After the commit it publishes
 * {@code ChangeNotice(CHANNEL, id)} on the cluster event bus (every gateway reloads the channel) and hands the
 * change to the listener (notifications; must not block). The cool-down is enforced here against the database's
 * status_changed_time, so it holds across workers.
 */
public final class ChannelStatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelStatusWriter.class);
  public static final int LOG_TYPE_SYSTEM = 4;

  private final Vertx vertx;
  private final Pool pg;
  private final Clock clock;
  private final Duration cooldown;
  private final Consumer<StatusChange> listener;

  /** The outcome of {@link #apply}: the committed change, or the channel's current status when nothing moved. */
  public record Result(Optional<StatusChange> change, int currentStatus) {
  }

  public ChannelStatusWriter(Vertx vertx, Pool pg, Clock clock, Duration cooldown, Consumer<StatusChange> listener) {
    this.vertx = vertx;
    this.pg = pg;
    this.clock = clock;
    this.cooldown = cooldown;
    this.listener = listener;
  }

  public Future<Result> apply(int channelId, Decision decision) {
    return switch (decision.action()) {
      case NONE -> currentStatus(channelId).map(s -> new Result(Optional.empty(), s));
      case DISABLE -> move(channelId, ChannelStatus.ENABLED, ChannelStatus.AUTO_DISABLED, decision);
      case ENABLE -> move(channelId, ChannelStatus.AUTO_DISABLED, ChannelStatus.ENABLED, decision);
      case COOL_DOWN, OPEN_BREAKER, CLOSE_BREAKER ->
          throw new IllegalArgumentException("not a status change: " + decision.action());
    };
  }

  private Future<Result> move(int channelId, int from, int to, Decision decision) {
    long now = clock.instant().getEpochSecond();
    long changedBefore = decision.honourCooldown() ? now - cooldown.toSeconds() : Long.MAX_VALUE;
    return pg.withTransaction(conn -> conn.preparedQuery(
            "UPDATE channels SET status = $2, status_changed_time = $3, status_reason = $4, version = version + 1 "
                + "WHERE id = $1 AND status = $5 AND status_changed_time <= $6 RETURNING name")
        .execute(Tuple.of(channelId, to, now, decision.reason(), from, changedBefore))
        .compose(rows -> rows.rowCount() == 0
            ? Future.succeededFuture(Optional.<StatusChange>empty())
            : record(conn, new StatusChange(channelId, rows.iterator().next().getString("name"), from, to,
                decision.reason(), now)).map(Optional::of)))
        .compose(change -> {
          if (change.isEmpty()) {
            return currentStatus(channelId).map(s -> new Result(change, s));
          }
          announce(change.get());
          return Future.succeededFuture(new Result(change, to));
        });
  }

  private Future<StatusChange> record(SqlConnection conn, StatusChange change) {
    String verb = change.disabled() ? "auto-disabled" : "auto-enabled";
    String content = "Channel #" + change.channelId() + " (" + change.channelName() + ") " + verb + ": "
        + change.reason();
    return conn.preparedQuery("UPDATE abilities SET enabled = $2 WHERE channel_id = $1")
        .execute(Tuple.of(change.channelId(), !change.disabled()))
        .compose(v -> conn.preparedQuery(
                "INSERT INTO logs (user_id, created_at, type, content, channel_id) VALUES (0, $1, $2, $3, $4)")
            .execute(Tuple.of(change.atEpochSeconds(), LOG_TYPE_SYSTEM, content, change.channelId())))
        .map(change);
  }

  private void announce(StatusChange change) {
    vertx.eventBus().publish(ClusterNames.CHANGES_ADDRESS,
        new ChangeNotice(ChangeNotice.Kind.CHANNEL, change.channelId()).toJson());
    LOG.info("channel {} {} -> {}: {}", change.channelId(), change.from(), change.to(), change.reason());
    try {
      listener.accept(change);
    } catch (RuntimeException e) {
      LOG.warn("status change listener failed for channel {}: {}", change.channelId(), e.toString());
    }
  }

  private Future<Integer> currentStatus(int channelId) {
    return pg.preparedQuery("SELECT status FROM channels WHERE id = $1").execute(Tuple.of(channelId))
        .map(HealthRowSets::firstIntOrZero);
  }

  /** Small helper for single-int queries. */
  static final class HealthRowSets {
    private HealthRowSets() {
    }

    static int firstIntOrZero(RowSet<Row> rows) {
      return rows.iterator().hasNext() ? rows.iterator().next().getInteger(0) : ChannelStatus.UNKNOWN;
    }
  }
}
