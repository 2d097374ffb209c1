package io.onegate.billing.channels;

import io.onegate.common.cluster.ClusterNames;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Serves the admin's "update balance" over the event bus ({@link ClusterNames#BILLING_REFRESH_BALANCE_ADDRESS}). */
public final class BalanceRefreshService {
  private BalanceRefreshService() {
  }

  public static void start(Vertx vertx, ChannelBalanceRefresher refresher) {
    vertx.eventBus().<JsonObject>consumer(ClusterNames.BILLING_REFRESH_BALANCE_ADDRESS, msg -> {
      JsonObject body = msg.body() == null ? new JsonObject() : msg.body();
      if (body.getBoolean("all", false)) {
        refresher.refreshAll();
        msg.reply(new JsonObject().put("started", true));
        return;
      }
      refresher.refreshChannel(body.getInteger("channel_id", 0))
          .onSuccess(balance -> msg.reply(new JsonObject().put("balance", balance)))
          .onFailure(err -> msg.fail(err instanceof IllegalArgumentException
              ? (err.getMessage().endsWith("not found") ? 404 : 400) : 502, err.getMessage()));
    });
  }
}
