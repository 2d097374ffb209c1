package io.onegate.common.event;

import io.vertx.core.json.JsonObject;

/**
 * One failure of a request, carried by its {@link UsageEvent} ({@code errors}) and written by the billing worker as
 * an error log row (type {@link UsageEvent#TYPE_ERROR}): a failed upstream attempt, a stream cut after bytes, a
 * client that left before any byte, or a refusal before admission (channel 0, class {@link #REFUSED}).
 *
 * @param failureClass a {@code FailureClass} name, or {@link #REFUSED}
 * @param code         the upstream's or the gateway's error code, or empty
 * @param message      the error message shown to the client (without the request id), at most {@link #MAX_MESSAGE}
 *                     characters
 */
public record AttemptError(int channelId, int channelType, String model, int httpStatus, String failureClass,
                           String code, String message, long latencyMillis) {
  /** The class of a request the gateway refused before any upstream call. */
  public static final String REFUSED = "REFUSED";
  public static final int MAX_MESSAGE = 500;

  public AttemptError {
    model = model == null ? "" : model;
    failureClass = failureClass == null ? "" : failureClass;
    code = code == null ? "" : code;
    message = message == null ? "" : message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
  }

  public JsonObject toJson() {
    return new JsonObject().put("channel_id", channelId).put("channel_type", channelType).put("model", model)
        .put("http_status", httpStatus).put("failure_class", failureClass).put("code", code).put("message", message)
        .put("latency_ms", latencyMillis);
  }

  public static AttemptError fromJson(JsonObject j) {
    return new AttemptError(j.getInteger("channel_id", 0), j.getInteger("channel_type", 0), j.getString("model"),
        j.getInteger("http_status", 0), j.getString("failure_class"), j.getString("code"), j.getString("message"),
        j.getLong("latency_ms", 0L));
  }
}
