package io.onegate.common.event;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One settled relay request: the fact the billing worker applies to the ledger exactly once (idempotent on
 * {@link #requestId}). Published to the usage topic keyed by {@link #userId} so one user's events stay in order.
 * Versioned JSON ({@link #SCHEMA_VERSION}) that old and new processes share during a rolling upgrade: a new version
 * only adds fields whose absence means the previous behaviour, and never changes a field's meaning; readers of any
 * version read every version, ignoring fields they do not know and defaulting missing ones. (An incompatible change
 * would be a new topic, never a new version on this one.) {@code src/test/resources/events} holds events as each
 * version wrote them; the tests decode them.
 *
 * @param type             {@link #TYPE_CONSUME} for a request that delivered (billed) something, {@link #TYPE_ERROR}
 *                         for one that delivered nothing (its attempts failed, the client left, or it was refused
 *                         before admission: then nothing was reserved and quota, pre_consumed are 0)
 * @param quota            quota units charged (already priced by the gateway: ratios applied)
 * @param preConsumed      quota reserved at admission and released at settlement (informational)
 * @param status           "success", "client_aborted" (billed for what was delivered) or "failed" (quota 0)
 * @param content          One API's consume-log text (the ratios used)
 * @param balanceEpoch     the live-balance epoch the reservation was made in (see LiveBalances); the billing
 *                         worker releases pending balance only for events of the current epoch
 * @param userQuotaGeneration  the user's {@code users.quota_generation} the request was admitted under (see
 *                         LiveBalances): an admin's absolute quota set starts a new generation, and usage admitted
 *                         under an older one is not taken off the new value (still logged and in used_quota).
 *                         JSON {@code user_quota_generation}; -1 (absent: an older gateway) is charged as before
 * @param tokenQuotaGeneration likewise the limited token's {@code tokens.quota_generation}
 *                         ({@code token_quota_generation}); -1 for unlimited tokens and older gateways
 * @param errors           the request's failures, oldest first (failed attempts, a cut stream, a refusal): each an
 *                         error log row. JSON {@code errors}, left out when empty; absent in older events (= none).
 *                         Added within schema v1: a reader that ignores it still applies the event's charge
 */
public record UsageEvent(int schemaVersion, String requestId, long occurredAtMillis, int type, int userId,
                         String username, int tokenId, String tokenName, boolean tokenUnlimited, int channelId,
                         int channelType, String group, String requestedModel, String upstreamModel,
                         long promptTokens, long completionTokens, long quota, long preConsumed, boolean stream,
                         long latencyMillis, String status, int httpStatus, String content,
                         boolean systemPromptReset, String balanceEpoch, long userQuotaGeneration,
                         long tokenQuotaGeneration, java.util.List<AttemptError> errors) {
  /**
   * 1: the first release; 2 adds {@code user_quota_generation} and {@code token_quota_generation}, and
   * {@code errors} (the failed attempts; left out when there were none).
   */
  public static final int SCHEMA_VERSION = 2;
  public static final int TYPE_CONSUME = 2;
  /**
   * The log type of failures (error rows). One API's type 5 is its channel-test log (the health worker writes it),
   * so error rows take the next free type, 6.
   */
  public static final int TYPE_ERROR = 6;
  /** A quota generation the event does not carry (older gateways): the charge applies as before generations. */
  public static final long UNKNOWN_GENERATION = -1;

  /** An event without failures. */
  public UsageEvent(int schemaVersion, String requestId, long occurredAtMillis, int type, int userId,
                    String username, int tokenId, String tokenName, boolean tokenUnlimited, int channelId,
                    int channelType, String group, String requestedModel, String upstreamModel,
                    long promptTokens, long completionTokens, long quota, long preConsumed, boolean stream,
                    long latencyMillis, String status, int httpStatus, String content,
                    boolean systemPromptReset, String balanceEpoch, long userQuotaGeneration,
                    long tokenQuotaGeneration) {
    this(schemaVersion, requestId, occurredAtMillis, type, userId, username, tokenId, tokenName, tokenUnlimited,
        channelId, channelType, group, requestedModel, upstreamModel, promptTokens, completionTokens, quota,
        preConsumed, stream, latencyMillis, status, httpStatus, content, systemPromptReset, balanceEpoch,
        userQuotaGeneration, tokenQuotaGeneration, java.util.List.of());
  }

  public UsageEvent {
    Objects.requireNonNull(requestId, "requestId");
    if (quota < 0 || promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException("negative usage in event " + requestId);
    }
    username = nz(username);
    tokenName = nz(tokenName);
    group = nz(group);
    requestedModel = nz(requestedModel);
    upstreamModel = nz(upstreamModel);
    status = nz(status);
    content = nz(content);
    balanceEpoch = nz(balanceEpoch);
    userQuotaGeneration = Math.max(UNKNOWN_GENERATION, userQuotaGeneration);
    tokenQuotaGeneration = Math.max(UNKNOWN_GENERATION, tokenQuotaGeneration);
    errors = errors == null ? java.util.List.of() : java.util.List.copyOf(errors);
  }

  /** Whether this event is billed usage (a consume row); otherwise it only carries failures (error rows). */
  public boolean consume() {
    return type != TYPE_ERROR;
  }

  /** Kafka record key: the user id, so one user's events are applied in order. */
  public String kafkaKey() {
    return Integer.toString(userId);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("v", schemaVersion).put("request_id", requestId).put("ts", occurredAtMillis).put("type", type)
        .put("user_id", userId).put("username", username).put("token_id", tokenId).put("token_name", tokenName)
        .put("token_unlimited", tokenUnlimited).put("channel_id", channelId).put("channel_type", channelType)
        .put("group", group).put("requested_model", requestedModel).put("model", upstreamModel)
        .put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens).put("quota", quota)
        .put("pre_consumed", preConsumed).put("stream", stream).put("latency_ms", latencyMillis)
        .put("status", status).put("http_status", httpStatus).put("content", content)
        .put("system_prompt_reset", systemPromptReset)
        .put("balance_epoch", balanceEpoch).put("user_quota_generation", userQuotaGeneration)
        .put("token_quota_generation", tokenQuotaGeneration);
    if (!errors.isEmpty()) {
      io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
      errors.forEach(e -> list.add(e.toJson()));
      json.put("errors", list);
    }
    return json;
  }

  /** The wire form (same JSON as {@link #toJson()}), written without building a {@link JsonObject}. */
  public String encode() {
    return UsageEventCodec.encode(this);
  }

  /** The wire form as UTF-8 bytes (what the journal and Kafka carry), without an intermediate String. */
  public byte[] encodeUtf8() {
    return UsageEventCodec.encodeUtf8(this);
  }

  /** Reads the wire form; see {@link UsageEventCodec#decode(String)}. */
  public static UsageEvent decode(String json) {
    return UsageEventCodec.decode(json);
  }

  public static UsageEvent fromJson(JsonObject j) {
    int version = j.getInteger("v", 1);
    return new UsageEvent(version, j.getString("request_id"), j.getLong("ts", 0L), j.getInteger("type", TYPE_CONSUME),
        j.getInteger("user_id", 0), j.getString("username"), j.getInteger("token_id", 0), j.getString("token_name"),
        j.getBoolean("token_unlimited", false), j.getInteger("channel_id", 0), j.getInteger("channel_type", 0),
        j.getString("group"), j.getString("requested_model"), j.getString("model"),
        j.getLong("prompt_tokens", 0L), j.getLong("completion_tokens", 0L), j.getLong("quota", 0L),
        j.getLong("pre_consumed", 0L), j.getBoolean("stream", false), j.getLong("latency_ms", 0L),
        j.getString("status"), j.getInteger("http_status", 0), j.getString("content"),
        j.getBoolean("system_prompt_reset", false), j.getString("balance_epoch"),
        j.getLong("user_quota_generation", UNKNOWN_GENERATION),
        j.getLong("token_quota_generation", UNKNOWN_GENERATION), errors(j.getJsonArray("errors")));
  }

  private static java.util.List<AttemptError> errors(io.vertx.core.json.JsonArray list) {
    if (list == null) {
      return java.util.List.of();
    }
    java.util.List<AttemptError> out = new java.util.ArrayList<>(list.size());
    for (Object o : list) {
      if (o instanceof JsonObject e) {
        out.add(AttemptError.fromJson(e));
      }
    }
    return out;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
