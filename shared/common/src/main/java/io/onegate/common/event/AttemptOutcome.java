package io.onegate.common.event;

import io.onegate.common.error.FailureClass;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * The outcome of one upstream attempt (a request retried on two channels has two). Published by the gateway to
 * the attempts topic keyed by channel id, consumed by the health worker. Versioned like {@link UsageEvent}: readers
 * read every version, ignore unknown fields and default missing ones.
 *
 * @param source     "relay" for live traffic, "test" for a scheduled or manual channel test
 * @param httpStatus upstream status, or 0 when no response arrived (network error, timeout)
 * @param errorCode  upstream structured error code/type (e.g. invalid_api_key), or empty
 * @param retryAfterMillis how long the upstream asked to wait ({@code retry-after}/{@code retry-after-ms} of a
 *                   429 or 503), 0 when it did not say; JSON {@code retry_after_ms}, absent in older events (= 0)
 */
public record AttemptOutcome(int schemaVersion, String attemptId, String requestId, long occurredAtMillis,
                             int channelId, int channelType, String model, int httpStatus,
                             FailureClass failureClass, String errorCode, long latencyMillis, boolean firstAttempt,
                             String source, long retryAfterMillis) {
  /** 1: the first release; 2 adds {@code retry_after_ms}. */
  public static final int SCHEMA_VERSION = 2;

  public AttemptOutcome {
    Objects.requireNonNull(attemptId, "attemptId");
    Objects.requireNonNull(failureClass, "failureClass");
    requestId = requestId == null ? "" : requestId;
    model = model == null ? "" : model;
    errorCode = errorCode == null ? "" : errorCode;
    source = source == null ? "relay" : source;
    retryAfterMillis = Math.max(0, retryAfterMillis);
  }

  public boolean success() {
    return failureClass == FailureClass.NONE;
  }

  public String kafkaKey() {
    return Integer.toString(channelId);
  }

  public JsonObject toJson() {
    return new JsonObject().put("v", schemaVersion).put("attempt_id", attemptId).put("request_id", requestId)
        .put("ts", occurredAtMillis).put("channel_id", channelId).put("channel_type", channelType)
        .put("model", model).put("http_status", httpStatus).put("failure_class", failureClass.name())
        .put("error_code", errorCode).put("latency_ms", latencyMillis).put("first_attempt", firstAttempt)
        .put("source", source).put("retry_after_ms", retryAfterMillis);
  }

  /** The same fields as {@link #toJson}, written directly (hot path: one per upstream attempt). */
  public String encode() {
    return io.onegate.common.json.JsonText.object(this::fields);
  }

  /** The same JSON as {@link #encode}, as UTF-8 bytes (what the journal and Kafka carry). */
  public byte[] encodeUtf8() {
    return io.onegate.common.json.JsonText.objectUtf8(this::fields);
  }

  private void fields(com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException {
    g.writeNumberField("v", schemaVersion);
    g.writeStringField("attempt_id", attemptId);
    g.writeStringField("request_id", requestId);
    g.writeNumberField("ts", occurredAtMillis);
    g.writeNumberField("channel_id", channelId);
    g.writeNumberField("channel_type", channelType);
    g.writeStringField("model", model);
    g.writeNumberField("http_status", httpStatus);
    g.writeStringField("failure_class", failureClass.name());
    g.writeStringField("error_code", errorCode);
    g.writeNumberField("latency_ms", latencyMillis);
    g.writeBooleanField("first_attempt", firstAttempt);
    g.writeStringField("source", source);
    g.writeNumberField("retry_after_ms", retryAfterMillis);
  }

  public static AttemptOutcome decode(String json) {
    JsonObject j = new JsonObject(json);
    FailureClass failure;
    try {
      failure = FailureClass.valueOf(j.getString("failure_class", "UNKNOWN"));
    } catch (IllegalArgumentException e) {
      failure = FailureClass.UNKNOWN;
    }
    return new AttemptOutcome(j.getInteger("v", 1), j.getString("attempt_id"), j.getString("request_id"),
        longOr(j, "ts", 0), j.getInteger("channel_id", 0), j.getInteger("channel_type", 0), j.getString("model"),
        j.getInteger("http_status", 0), failure, j.getString("error_code"), longOr(j, "latency_ms", 0),
        j.getBoolean("first_attempt", true), j.getString("source"), longOr(j, "retry_after_ms", 0));
  }

  /** A number field, or {@code otherwise} when it is absent or null (a field another version may not write). */
  private static long longOr(JsonObject j, String name, long otherwise) {
    return j.getValue(name) instanceof Number n ? n.longValue() : otherwise;
  }
}
