package io.onegate.common.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The wire form of {@link UsageEvent} with Jackson's streaming API: no intermediate map per record (the billing
 * worker decodes tens of thousands of events per second straight from Kafka's bytes). Same JSON as
 * {@link UsageEvent#toJson()}: same field names in the same order; the reader ignores unknown fields, treats a
 * missing or null field as its default, reads every schema version (see {@link UsageEvent} for the rule that makes
 * that safe) and refuses a malformed document with {@link IllegalArgumentException}.
 */
public final class UsageEventCodec {
  private static final JsonFactory JSON = io.onegate.common.json.JsonText.FACTORY;

  private UsageEventCodec() {
  }

  /** Decodes one event from UTF-8 JSON bytes. */
  public static UsageEvent decode(byte[] utf8) {
    try (JsonParser p = JSON.createParser(utf8)) {
      return read(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed usage event: " + e.getMessage(), e);
    }
  }

  /** Decodes one event from a JSON string. */
  public static UsageEvent decode(String json) {
    try (JsonParser p = JSON.createParser(json)) {
      return read(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed usage event: " + e.getMessage(), e);
    }
  }

  /** Encodes {@code e} as JSON (the fields of {@link UsageEvent#toJson()}, in that order). */
  public static String encode(UsageEvent e) {
    return io.onegate.common.json.JsonText.object(g -> fields(g, e));
  }

  /** The same JSON as {@link #encode}, as UTF-8 bytes. */
  public static byte[] encodeUtf8(UsageEvent e) {
    return io.onegate.common.json.JsonText.objectUtf8(g -> fields(g, e));
  }

  private static void fields(JsonGenerator g, UsageEvent e) throws IOException {
    g.writeNumberField("v", e.schemaVersion());
    g.writeStringField("request_id", e.requestId());
    g.writeNumberField("ts", e.occurredAtMillis());
    g.writeNumberField("type", e.type());
    g.writeNumberField("user_id", e.userId());
    g.writeStringField("username", e.username());
    g.writeNumberField("token_id", e.tokenId());
    g.writeStringField("token_name", e.tokenName());
    g.writeBooleanField("token_unlimited", e.tokenUnlimited());
    g.writeNumberField("channel_id", e.channelId());
    g.writeNumberField("channel_type", e.channelType());
    g.writeStringField("group", e.group());
    g.writeStringField("requested_model", e.requestedModel());
    g.writeStringField("model", e.upstreamModel());
    g.writeNumberField("prompt_tokens", e.promptTokens());
    g.writeNumberField("completion_tokens", e.completionTokens());
    g.writeNumberField("quota", e.quota());
    g.writeNumberField("pre_consumed", e.preConsumed());
    g.writeBooleanField("stream", e.stream());
    g.writeNumberField("latency_ms", e.latencyMillis());
    g.writeStringField("status", e.status());
    g.writeNumberField("http_status", e.httpStatus());
    g.writeStringField("content", e.content());
    g.writeBooleanField("system_prompt_reset", e.systemPromptReset());
    g.writeStringField("balance_epoch", e.balanceEpoch());
    g.writeNumberField("user_quota_generation", e.userQuotaGeneration());
    g.writeNumberField("token_quota_generation", e.tokenQuotaGeneration());
    if (!e.errors().isEmpty()) {
      g.writeArrayFieldStart("errors");
      for (AttemptError a : e.errors()) {
        g.writeStartObject();
        g.writeNumberField("channel_id", a.channelId());
        g.writeNumberField("channel_type", a.channelType());
        g.writeStringField("model", a.model());
        g.writeNumberField("http_status", a.httpStatus());
        g.writeStringField("failure_class", a.failureClass());
        g.writeStringField("code", a.code());
        g.writeStringField("message", a.message());
        g.writeNumberField("latency_ms", a.latencyMillis());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
  }

  private static UsageEvent read(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("a usage event is a JSON object");
    }
    int version = 1;
    String requestId = null;
    long ts = 0;
    int type = UsageEvent.TYPE_CONSUME;
    int userId = 0;
    String username = null;
    int tokenId = 0;
    String tokenName = null;
    boolean tokenUnlimited = false;
    int channelId = 0;
    int channelType = 0;
    String group = null;
    String requestedModel = null;
    String model = null;
    long promptTokens = 0;
    long completionTokens = 0;
    long quota = 0;
    long preConsumed = 0;
    boolean stream = false;
    long latency = 0;
    String status = null;
    int httpStatus = 0;
    String content = null;
    boolean reset = false;
    String epoch = null;
    long userGeneration = UsageEvent.UNKNOWN_GENERATION;
    long tokenGeneration = UsageEvent.UNKNOWN_GENERATION;
    java.util.List<AttemptError> errors = java.util.List.of();
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "v" -> version = intValue(p, field);
        case "request_id" -> requestId = text(p, field);
        case "ts" -> ts = longValue(p, field);
        case "type" -> type = intValue(p, field);
        case "user_id" -> userId = intValue(p, field);
        case "username" -> username = text(p, field);
        case "token_id" -> tokenId = intValue(p, field);
        case "token_name" -> tokenName = text(p, field);
        case "token_unlimited" -> tokenUnlimited = bool(p, field);
        case "channel_id" -> channelId = intValue(p, field);
        case "channel_type" -> channelType = intValue(p, field);
        case "group" -> group = text(p, field);
        case "requested_model" -> requestedModel = text(p, field);
        case "model" -> model = text(p, field);
        case "prompt_tokens" -> promptTokens = longValue(p, field);
        case "completion_tokens" -> completionTokens = longValue(p, field);
        case "quota" -> quota = longValue(p, field);
        case "pre_consumed" -> preConsumed = longValue(p, field);
        case "stream" -> stream = bool(p, field);
        case "latency_ms" -> latency = longValue(p, field);
        case "status" -> status = text(p, field);
        case "http_status" -> httpStatus = intValue(p, field);
        case "content" -> content = text(p, field);
        case "system_prompt_reset" -> reset = bool(p, field);
        case "balance_epoch" -> epoch = text(p, field);
        case "user_quota_generation" -> userGeneration = longValue(p, field);
        case "token_quota_generation" -> tokenGeneration = longValue(p, field);
        case "errors" -> errors = errors(p);
        default -> p.skipChildren();
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new IllegalArgumentException("truncated usage event");
    }
    return new UsageEvent(version, requestId, ts, type, userId, username, tokenId, tokenName, tokenUnlimited,
        channelId, channelType, group, requestedModel, model, promptTokens, completionTokens, quota, preConsumed,
        stream, latency, status, httpStatus, content, reset, epoch, userGeneration, tokenGeneration, errors);
  }

  /** The {@code errors} array (current token: its start); unknown fields of an entry are skipped. */
  private static java.util.List<AttemptError> errors(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException("usage event field errors is not an array");
    }
    java.util.List<AttemptError> out = new java.util.ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      int channelId = 0;
      int channelType = 0;
      String model = null;
      int httpStatus = 0;
      String failureClass = null;
      String code = null;
      String message = null;
      long latency = 0;
      String field;
      while ((field = p.nextFieldName()) != null) {
        if (p.nextToken() == JsonToken.VALUE_NULL) {
          continue;
        }
        switch (field) {
          case "channel_id" -> channelId = intValue(p, field);
          case "channel_type" -> channelType = intValue(p, field);
          case "model" -> model = text(p, field);
          case "http_status" -> httpStatus = intValue(p, field);
          case "failure_class" -> failureClass = text(p, field);
          case "code" -> code = text(p, field);
          case "message" -> message = text(p, field);
          case "latency_ms" -> latency = longValue(p, field);
          default -> p.skipChildren();
        }
      }
      out.add(new AttemptError(channelId, channelType, model, httpStatus, failureClass, code, message, latency));
    }
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw new IllegalArgumentException("usage event field errors holds a non-object");
    }
    return out;
  }

  private static long longValue(JsonParser p, String field) throws IOException {
    if (!p.currentToken().isNumeric()) {
      throw new IllegalArgumentException("usage event field " + field + " is not a number");
    }
    return p.getLongValue();
  }

  private static int intValue(JsonParser p, String field) throws IOException {
    long v = longValue(p, field);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("usage event field " + field + " is out of range");
    }
    return (int) v;
  }

  private static boolean bool(JsonParser p, String field) {
    JsonToken t = p.currentToken();
    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
      throw new IllegalArgumentException("usage event field " + field + " is not a boolean");
    }
    return t == JsonToken.VALUE_TRUE;
  }

  private static String text(JsonParser p, String field) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException("usage event field " + field + " is not a string");
    }
    return p.getText();
  }
}
