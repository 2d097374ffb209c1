package io.onegate.providers.gemini;

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
 * Google Gemini API, channel type 24 (https://ai.google.dev/api): {@code {base}/{version}/models/{model}:generateContent},
 * {@code :streamGenerateContent?alt=sse} and {@code :batchEmbedContents}, key in {@code x-goog-api-key}.
 * The version is the channel's {@code api_version} config, else {@code v1beta} for Gemini 1.5 and later (and
 * unknown families), else the configured default (One API's {@code GEMINI_VERSION}, "v1"). Stateless.
 */
public final class GeminiAdaptor implements ProviderAdaptor {
  public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";
  private static final List<String> MODELS = List.of("gemini-pro", "gemini-1.0-pro-001", "gemini-1.5-pro",
      "gemini-1.5-flash", "gemini-2.0-flash", "gemini-2.5-flash", "gemini-2.5-pro", "gemini-pro-vision",
      "gemini-1.0-pro-vision-001", "embedding-001", "text-embedding-004");

  private final TranslationEnv env;
  private final String defaultVersion;
  private final String safetyThreshold;

  public GeminiAdaptor() {
    this(TranslationEnv.system(), "v1", "BLOCK_NONE");
  }

  /**
   * @param defaultVersion  API version for the 1.0-era models (One API's {@code GEMINI_VERSION}, default "v1")
   * @param safetyThreshold threshold sent for every harm category (One API's {@code GEMINI_SAFETY_SETTING},
   *                        default "BLOCK_NONE"); null or blank sends no safety settings
   */
  public GeminiAdaptor(TranslationEnv env, String defaultVersion, String safetyThreshold) {
    this.env = env;
    this.defaultVersion = defaultVersion;
    this.safetyThreshold = safetyThreshold;
  }

  @Override
  public String name() {
    return "gemini";
  }

  @Override
  public boolean supports(Endpoint endpoint) {
    return endpoint == Endpoint.CHAT_COMPLETIONS || endpoint == Endpoint.EMBEDDINGS;
  }

  /** The API version for a model on a channel. */
  String version(AttemptSpec spec) {
    String configured = spec.channel().config().get("api_version");
    if (configured != null && !configured.isBlank()) {
      return configured.strip();
    }
    String model = spec.upstreamModel();
    boolean firstGeneration = model.equals("gemini-pro") || model.startsWith("gemini-pro-")
        || model.startsWith("gemini-1.0") || model.equals("embedding-001") || model.equals("text-embedding-004");
    return firstGeneration ? defaultVersion : "v1beta";
  }

  @Override
  public UpstreamRequest request(AttemptSpec spec, ClientRequest client, String credential) {
    JsonObject request = client.json() == null ? new JsonObject() : client.json();
    String prefix = Urls.base(spec.channel(), DEFAULT_BASE_URL) + "/" + version(spec) + "/models/"
        + Urls.enc(spec.upstreamModel());
    Map<String, String> headers = Map.of("x-goog-api-key", credential, "content-type", "application/json");
    if (spec.endpoint() == Endpoint.EMBEDDINGS) {
      return new UpstreamRequest("POST", prefix + ":batchEmbedContents", headers,
          GeminiRequestTranslator.embeddings(request, spec.upstreamModel()).toBuffer());
    }
    String url = spec.stream() ? prefix + ":streamGenerateContent?alt=sse" : prefix + ":generateContent";
    return new UpstreamRequest("POST", url, headers, GeminiRequestTranslator.chat(request, safetyThreshold).toBuffer());
  }

  @Override
  public boolean passThrough(AttemptSpec spec) {
    return false;
  }

  @Override
  public UpstreamFailure failureInBody(AttemptSpec spec, Buffer body) {
    JsonObject response = Json.object(body);
    if (response == null) {
      return UpstreamErrors.malformed(200);
    }
    return Json.obj(response, "error") != null ? GeminiErrorClassifier.classify(200, response) : null;
  }

  @Override
  public Buffer response(AttemptSpec spec, Buffer upstreamBody) {
    JsonObject response = Json.object(upstreamBody);
    response = response == null ? new JsonObject() : response;
    if (spec.endpoint() == Endpoint.EMBEDDINGS) {
      return GeminiResponseTranslator.embeddings(response, spec.upstreamModel()).toBuffer();
    }
    return GeminiResponseTranslator.chat(response, spec.upstreamModel(), env).toBuffer();
  }

  @Override
  public Usage usage(AttemptSpec spec, Buffer openAiResponseBody) {
    return spec.endpoint() == Endpoint.EMBEDDINGS ? Usage.NONE : OpenAiBodies.usageOf(openAiResponseBody);
  }

  @Override
  public StreamTranslator streamTranslator(AttemptSpec spec) {
    return new GeminiStreamTranslator(ChunkWriter.of(env, spec),
        env);
  }

  @Override
  public UpstreamFailure classify(int status, MultiMap headers, Buffer body) {
    return UpstreamErrors.withRetryAfter(
        GeminiErrorClassifier.classify(status, body == null ? null : Json.any(body.toString())), headers);
  }

  @Override
  public List<String> defaultModels() {
    return MODELS;
  }
}
