package io.onegate.providers.anthropic;

import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.UpstreamRequest;
import io.onegate.providers.spi.Usage;
import io.onegate.providers.support.ChunkWriter;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.OpenAiBodies;
import io.onegate.providers.support.TranslationEnv;
import io.onegate.providers.support.UpstreamErrors;
import io.onegate.providers.support.Urls;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Anthropic Messages API, channel type 14 (https://docs.anthropic.com/en/api/messages): {@code POST
 * {base}/v1/messages} with {@code x-api-key} and {@code anthropic-version}. Chat completions only. Stateless and
 * thread-safe.
 */
public final class AnthropicAdaptor implements ProviderAdaptor {
  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
  /** https://docs.anthropic.com/en/api/versioning */
  public static final String API_VERSION = "2023-06-01";
  private static final List<String> MODELS = List.of("claude-instant-1.2", "claude-2.0", "claude-2.1",
      "claude-3-haiku-20240307", "claude-3-5-haiku-20241022", "claude-3-sonnet-20240229", "claude-3-opus-20240229",
      "claude-3-5-sonnet-20240620", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet-latest",
      "claude-3-7-sonnet-20250219", "claude-sonnet-4-20250514", "claude-opus-4-20250514");

  private final TranslationEnv env;

  public AnthropicAdaptor() {
    this(TranslationEnv.system());
  }

  public AnthropicAdaptor(TranslationEnv env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "anthropic";
  }

  @Override
  public boolean supports(Endpoint endpoint) {
    return endpoint == Endpoint.CHAT_COMPLETIONS;
  }

  @Override
  public UpstreamRequest request(AttemptSpec spec, ClientRequest client, String credential) {
    JsonObject request = client.json() == null ? new JsonObject() : client.json();
    JsonObject body = AnthropicRequestTranslator.translate(request, spec.upstreamModel(), spec.stream());
    String version = spec.channel().config().getOrDefault("anthropic_version", API_VERSION);
    return new UpstreamRequest("POST", Urls.base(spec.channel(), DEFAULT_BASE_URL) + "/v1/messages",
        Map.of("x-api-key", credential, "anthropic-version", version, "content-type", "application/json",
            "accept", spec.stream() ? "text/event-stream" : "application/json"),
        body.toBuffer());
  }

  @Override
  public boolean passThrough(AttemptSpec spec) {
    return false;
  }

  @Override
  public UpstreamFailure failureInBody(AttemptSpec spec, Buffer body) {
    JsonObject message = Json.object(body);
    if (message == null) {
      return UpstreamErrors.malformed(200);
    }
    return "error".equals(Json.str(message, "type")) ? AnthropicErrorClassifier.classify(200, message) : null;
  }

  @Override
  public Buffer response(AttemptSpec spec, Buffer upstreamBody) {
    JsonObject message = Json.object(upstreamBody);
    return AnthropicResponseTranslator.translate(message == null ? new JsonObject() : message,
        spec.upstreamModel(), env).toBuffer();
  }

  @Override
  public Usage usage(AttemptSpec spec, Buffer openAiResponseBody) {
    return OpenAiBodies.usageOf(openAiResponseBody);
  }

  @Override
  public StreamTranslator streamTranslator(AttemptSpec spec) {
    return new AnthropicStreamTranslator(ChunkWriter.of(env, spec));
  }

  @Override
  public UpstreamFailure classify(int status, MultiMap headers, Buffer body) {
    return UpstreamErrors.withRetryAfter(AnthropicErrorClassifier.classify(status, Json.object(body)),
        headers);
  }

  @Override
  public List<String> defaultModels() {
    return MODELS;
  }
}
