package io.onegate.health.probe;

import io.onegate.health.state.StatusChange;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * The result of one channel test.
 *
 * @param model  the model asked for (before the channel's mapping); empty when the channel has no chat model
 * @param change the automatic status change this test caused, if any (scheduled tests only)
 */
public record TestReport(int channelId, String model, ProbeResult result, Optional<StatusChange> change) {

  /** One API's {@code GET /api/channel/test/:id} answer: {@code {success, message, time (s), modelName}}. */
  public JsonObject toOneApiJson() {
    return new JsonObject().put("success", result.success()).put("message", result.message())
        .put("time", result.latencyMillis() / 1000.0).put("modelName", model);
  }
}
