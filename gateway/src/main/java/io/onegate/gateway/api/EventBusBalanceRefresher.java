package io.onegate.gateway.api;

import io.onegate.common.cluster.ClusterNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/** {@link BalanceRefresher} over the cluster event bus: any billing worker queries the provider and stores it. */
public final class EventBusBalanceRefresher implements BalanceRefresher {
  private static final long TIMEOUT_MS = 30_000;
  private final Vertx vertx;

  public EventBusBalanceRefresher(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<Double> refresh(int channelId) {
    return vertx.eventBus().<JsonObject>request(ClusterNames.BILLING_REFRESH_BALANCE_ADDRESS,
            new JsonObject().put("channel_id", channelId), new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .map(reply -> reply.body().getDouble("balance", 0.0))
        .recover(err -> Future.failedFuture(translate(err)));
  }

  @Override
  public Future<Void> refreshAll() {
    return vertx.eventBus().<JsonObject>request(ClusterNames.BILLING_REFRESH_BALANCE_ADDRESS,
            new JsonObject().put("all", true), new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .<Void>mapEmpty()
        .recover(err -> Future.failedFuture(translate(err)));
  }

  private static Throwable translate(Throwable err) {
    if (err instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return ApiException.refused("no billing worker is running to refresh balances");
      }
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return ApiException.refused("the balance refresh did not finish in time");
      }
      return ApiException.refused(reply.getMessage());
    }
    return err;
  }
}
