package io.onegate.health.probe;

import io.onegate.common.cluster.ClusterNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Serves the admin's "test channel" over the cluster event bus at
 * {@link ClusterNames#HEALTH_TEST_CHANNEL_ADDRESS}: request {@code {"channel_id": 12, "model": "gpt-4o"}} (model
 * optional), reply One API's {@code {success, message, time, modelName}}; an unknown channel fails the request
 * with code 404, any other problem (database) with 500. Any health worker may answer.
 */
public final class ChannelTestService {
  private final MessageConsumer<JsonObject> consumer;

  private ChannelTestService(MessageConsumer<JsonObject> consumer) {
    this.consumer = consumer;
  }

  public static Future<ChannelTestService> start(Vertx vertx, ChannelTester tester) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(ClusterNames.HEALTH_TEST_CHANNEL_ADDRESS,
        msg -> {
          JsonObject body = msg.body() == null ? new JsonObject() : msg.body();
          int id = body.getInteger("channel_id", 0);
          tester.testManually(id, Optional.ofNullable(body.getString("model")))
              .onSuccess(report -> msg.reply(report.toOneApiJson()))
              .onFailure(err -> msg.fail(err instanceof ChannelTester.NoSuchChannelException ? 404 : 500,
                  err.getMessage()));
        });
    return consumer.completion().map(v -> new ChannelTestService(consumer));
  }

  public Future<Void> stop() {
    return consumer.unregister();
  }
}
