package io.onegate.health.notify;

import io.onegate.common.cluster.ClusterNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * Receives low-balance warnings from other processes (the billing worker) at
 * {@link ClusterNames#NOTIFY_LOW_BALANCE_ADDRESS} and sends them with {@link HealthNotifications#lowBalance}.
 * Replies (when asked) once the notifiers finished; never fails.
 */
public final class LowBalanceService {
  private final MessageConsumer<JsonObject> consumer;

  private LowBalanceService(MessageConsumer<JsonObject> consumer) {
    this.consumer = consumer;
  }

  public static Future<LowBalanceService> start(Vertx vertx, HealthNotifications notifications) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(ClusterNames.NOTIFY_LOW_BALANCE_ADDRESS,
        msg -> {
          JsonObject body = msg.body() == null ? new JsonObject() : msg.body();
          notifications.lowBalance(body.getInteger("user_id", 0), body.getString("username", ""),
                  body.getString("email", ""), body.getLong("remaining_quota", 0L))
              .onComplete(ar -> msg.reply(new JsonObject().put("sent", true)));
        });
    return consumer.completion().map(v -> new LowBalanceService(consumer));
  }

  public Future<Void> stop() {
    return consumer.unregister();
  }
}
