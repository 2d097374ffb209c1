package io.onegate.gateway.api;

import io.onegate.common.cluster.ClusterNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChannelTester} over the cluster event bus: any health worker answers at
 * {@link ClusterNames#HEALTH_TEST_CHANNEL_ADDRESS} with the same prober its scheduled tests use. "Test all" sends
 * the channels one after the other in the background.
 */
public final class EventBusChannelTester implements ChannelTester {
  private static final Logger LOG = LoggerFactory.getLogger(EventBusChannelTester.class);
  private static final long TIMEOUT_MS = 35_000;

  private final Vertx vertx;
  private final Pool pg;

  public EventBusChannelTester(Vertx vertx, Pool pg) {
    this.vertx = vertx;
    this.pg = pg;
  }

  @Override
  public Future<Result> test(int channelId, Optional<String> model) {
    JsonObject request = new JsonObject().put("channel_id", channelId);
    model.filter(m -> !m.isBlank()).ifPresent(m -> request.put("model", m));
    return vertx.eventBus().<JsonObject>request(ClusterNames.HEALTH_TEST_CHANNEL_ADDRESS, request,
            new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .map(reply -> {
          JsonObject body = reply.body();
          return new Result(body.getBoolean("success", false), body.getString("message", ""),
              body.getDouble("time", 0.0), body.getString("modelName", ""));
        })
        .recover(err -> Future.failedFuture(translate(err)));
  }

  @Override
  public Future<Void> testAll() {
    return pg.query("SELECT id FROM channels ORDER BY id").execute().map(rows -> {
      List<Integer> ids = new ArrayList<>();
      for (Row row : rows) {
        ids.add(row.getInteger(0));
      }
      Future<Result> chain = Future.succeededFuture();
      for (int id : ids) {
        chain = chain.eventually(() -> test(id, Optional.empty())
            .onFailure(err -> LOG.info("test of channel {} failed: {}", id, err.getMessage())));
      }
      return null;
    });
  }

  private static Throwable translate(Throwable err) {
    if (err instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return ApiException.refused("no health worker is running to test channels");
      }
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return ApiException.refused("the channel test did not finish in time");
      }
      if (reply.failureCode() == 404) {
        return ApiException.notFound("channel not found");
      }
      return ApiException.refused("channel test failed: " + reply.getMessage());
    }
    return err;
  }
}
