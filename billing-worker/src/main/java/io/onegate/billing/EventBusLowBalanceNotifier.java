package io.onegate.billing;

import io.onegate.common.balance.LowBalanceNotifier;
import io.onegate.common.cluster.ClusterNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends One API's quota reminder through the health worker's notification channels (webhook, email): looks up the
 * user's name and email and hands them to {@link ClusterNames#NOTIFY_LOW_BALANCE_ADDRESS}. Logged as well; never
 * fails (no health worker running means the reminder is only logged).
 */
public final class EventBusLowBalanceNotifier implements LowBalanceNotifier {
  private static final Logger LOG = LoggerFactory.getLogger(EventBusLowBalanceNotifier.class);

  private final Vertx vertx;
  private final Pool pg;

  public EventBusLowBalanceNotifier(Vertx vertx, Pool pg) {
    this.vertx = vertx;
    this.pg = pg;
  }

  @Override
  public Future<Void> remind(int userId, long before, long after, long threshold) {
    LOG.info("quota reminder: user {} quota fell from {} to {} (threshold {})", userId, before, after, threshold);
    return pg.preparedQuery("SELECT username, email FROM users WHERE id = $1").execute(Tuple.of(userId))
        .map(rows -> {
          JsonObject message = new JsonObject().put("user_id", userId).put("remaining_quota", after);
          if (rows.size() > 0) {
            var row = rows.iterator().next();
            message.put("username", row.getString("username")).put("email", row.getString("email"));
          }
          vertx.eventBus().send(ClusterNames.NOTIFY_LOW_BALANCE_ADDRESS, message);
          return (Void) null;
        })
        .otherwise(err -> {
          LOG.warn("quota reminder for user {} not sent: {}", userId, err.getMessage());
          return null;
        });
  }
}
