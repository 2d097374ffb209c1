package io.onegate.health.probe;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Probes an OpenAI-compatible channel: {@code POST {base_url}/v1/chat/completions} with
 * {@code {model, messages:[{role:user, content:TEST_PROMPT}], max_tokens:5}} (not a stream) and
 * {@code Authorization: Bearer <key>}. Success needs HTTP 200 and a first choice whose content is a string.
 * Failures are classified from the status and the structured {@code error.code}/{@code error.type}, never from the
 * message text. Stand-in until the registry-based prober over the provider adaptors replaces it.
 */
public final class OpenAiCompatibleProber implements ChannelProber {
  static final String DEFAULT_BASE_URL = "https://api.openai.com";
  private static final int MAX_MESSAGE = 200;
  private static final Set<String> INVALID_KEY_CODES = Set.of("invalid_api_key", "authentication_error",
      "invalid_authentication", "api_key_invalid", "token_expired");
  private static final Set<String> ACCOUNT_CODES = Set.of("account_deactivated", "permission_error", "forbidden",
      "organization_deactivated", "access_terminated");
  private static final Set<String> QUOTA_CODES = Set.of("insufficient_quota", "billing_hard_limit_reached",
      "billing_not_active", "insufficient_balance");

  private final HttpClientAgent client;
  private final Clock clock;
  private final Duration timeout;
  private final String prompt;

  public OpenAiCompatibleProber(Vertx vertx, Clock clock, Duration timeout, String prompt) {
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setConnectTimeout((int) Math.min(timeout.toMillis(), 10_000))
            .setIdleTimeout((int) timeout.toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS))
        .build();
    this.clock = clock;
    this.timeout = timeout;
    this.prompt = prompt;
  }

  @Override
  public Future<ProbeResult> probe(Channel channel, String model) {
    String base = channel.baseUrl().isEmpty() ? DEFAULT_BASE_URL : channel.baseUrl();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    JsonObject body = new JsonObject()
        .put("model", channel.upstreamModel(model))
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)))
        .put("max_tokens", 5)
        .put("stream", false);
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST)
        .setAbsoluteURI(base + "/v1/chat/completions")
        .putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + channel.key());
    long start = clock.millis();
    return client.request(request)
        .compose(req -> req.send(body.toBuffer()))
        .compose(resp -> resp.body().map(buf -> classify(resp.statusCode(), buf, clock.millis() - start)))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .recover(err -> Future.succeededFuture(networkFailure(err, clock.millis() - start)));
  }

  static ProbeResult classify(int status, Buffer body, long latency) {
    JsonObject json = parse(body);
    if (status == 200) {
      JsonArray choices = json == null ? null : json.getJsonArray("choices");
      Object content = choices == null || choices.isEmpty() || !(choices.getValue(0) instanceof JsonObject first)
          || first.getJsonObject("message") == null ? null : first.getJsonObject("message").getValue("content");
      return content instanceof String text
          ? ProbeResult.ok(latency, status, truncate(text))
          : ProbeResult.failed(latency, FailureClass.TRANSIENT, status, "", "HTTP 200 without a text choice");
    }
    JsonObject error = json == null ? null : json.getValue("error") instanceof JsonObject e ? e : null;
    String code = error == null ? "" : stringOf(error.getValue("code"));
    String type = error == null ? "" : stringOf(error.getValue("type"));
    String message = error == null ? "HTTP " + status : truncate(stringOf(error.getValue("message")));
    FailureClass failure = classify(status, code, type);
    return ProbeResult.failed(latency, failure, status, code.isEmpty() ? type : code, message);
  }

  static FailureClass classify(int status, String code, String type) {
    if (QUOTA_CODES.contains(code) || QUOTA_CODES.contains(type)) {
      return FailureClass.QUOTA_EXHAUSTED;
    }
    if (INVALID_KEY_CODES.contains(code) || INVALID_KEY_CODES.contains(type)) {
      return FailureClass.INVALID_KEY;
    }
    if (ACCOUNT_CODES.contains(code) || ACCOUNT_CODES.contains(type)) {
      return FailureClass.ACCOUNT_DISABLED;
    }
    if ("model_not_found".equals(code)) {
      return FailureClass.MODEL_UNAVAILABLE;
    }
    if (status == 401) {
      return FailureClass.INVALID_KEY;
    }
    if (status == 402) {
      return FailureClass.QUOTA_EXHAUSTED;
    }
    if (status == 403) {
      return FailureClass.ACCOUNT_DISABLED;
    }
    if (status == 404) {
      return FailureClass.MODEL_UNAVAILABLE;
    }
    if (status == 408 || status == 504) {
      return FailureClass.TIMEOUT;
    }
    if (status == 429) {
      return FailureClass.RATE_LIMITED;
    }
    if (status >= 500) {
      return FailureClass.TRANSIENT;
    }
    if (status == 400 || status == 413 || status == 422) {
      return FailureClass.BAD_REQUEST;
    }
    return FailureClass.UNKNOWN;
  }

  private static ProbeResult networkFailure(Throwable err, long latency) {
    boolean timedOut = err instanceof TimeoutException
        || err instanceof io.netty.handler.timeout.TimeoutException
        || String.valueOf(err.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("timeout");
    return ProbeResult.failed(latency, timedOut ? FailureClass.TIMEOUT : FailureClass.TRANSIENT, 0, "",
        timedOut ? "no answer in time" : "upstream unreachable: " + err.getClass().getSimpleName());
  }

  private static JsonObject parse(Buffer body) {
    try {
      return body == null || body.length() == 0 ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static String stringOf(Object value) {
    return value == null ? "" : String.valueOf(value);
  }

  private static String truncate(String text) {
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
  }

  public Future<Void> close() {
    return client.close();
  }
}
