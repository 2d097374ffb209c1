package io.onegate.providers.ollama;

import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.Framing;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ollama native API, channel type 30 (https://github.com/ollama/ollama/blob/main/docs/api.md):
 * {@code {base}/api/chat} streaming NDJSON and {@code {base}/api/embed}. A non-empty key is sent as a bearer
 * token (for Ollama behind an authenticating proxy). Stateless.
 */
public final class OllamaAdaptor implements ProviderAdaptor {
  public static final String DEFAULT_BASE_URL = "http://localhost:11434";
  private static final List<String> MODELS = List.of("codellama:7b-instruct", "llama2:7b", "llama2:latest",
      "llama3:latest", "phi3:latest", "qwen:0.5b-chat", "qwen:7b");

  private final TranslationEnv env;

  public OllamaAdaptor() {
    this(TranslationEnv.system());
  }

  public OllamaAdaptor(TranslationEnv env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "ollama";
  }

  @Override
  public boolean supports(Endpoint endpoint) {
    return endpoint == Endpoint.CHAT_COMPLETIONS || endpoint == Endpoint.EMBEDDINGS;
  }

  @Override
  public Framing framing(AttemptSpec spec) {
    return Framing.NDJSON;
  }

  @Override
  public UpstreamRequest request(AttemptSpec spec, ClientRequest client, String credential) {
    JsonObject request = client.json() == null ? new JsonObject() : client.json();
    Map<String, String> headers = new HashMap<>();
    headers.put("content-type", "application/json");
    if (credential != null && !credential.isBlank()) {
      headers.put("authorization", "Bearer " + credential.strip());
    }
    String base = Urls.base(spec.channel(), DEFAULT_BASE_URL);
    if (spec.endpoint() == Endpoint.EMBEDDINGS) {
      return new UpstreamRequest("POST", base + "/api/embed", headers,
          OllamaRequestTranslator.embed(request, spec.upstreamModel()).toBuffer());
    }
    return new UpstreamRequest("POST", base + "/api/chat", headers,
        OllamaRequestTranslator.chat(request, spec.upstreamModel(), spec.stream()).toBuffer());
  }

  @Override
  public boolean passThrough(AttemptSpec spec) {
    return false;
  }

  @Override
  public UpstreamFailure failureInBody(AttemptSpec spec, Buffer body) {
    JsonObject json = Json.object(body);
    if (json == null) {
      return UpstreamErrors.malformed(200);
    }
    return json.getValue("error") != null ? OllamaResponseTranslator.classify(200, json) : null;
  }

  @Override
  public Buffer response(AttemptSpec spec, Buffer upstreamBody) {
    JsonObject json = Json.object(upstreamBody);
    json = json == null ? new JsonObject() : json;
    return (spec.endpoint() == Endpoint.EMBEDDINGS ? OllamaResponseTranslator.embeddings(json, spec.upstreamModel())
        : OllamaResponseTranslator.chat(json, spec.upstreamModel(), env)).toBuffer();
  }

  @Override
  public Usage usage(AttemptSpec spec, Buffer openAiResponseBody) {
    return OpenAiBodies.usageOf(openAiResponseBody);
  }

  @Override
  public StreamTranslator streamTranslator(AttemptSpec spec) {
    return new OllamaStreamTranslator(ChunkWriter.of(env, spec),
        env);
  }

  @Override
  public UpstreamFailure classify(int status, MultiMap headers, Buffer body) {
    return UpstreamErrors.withRetryAfter(OllamaResponseTranslator.classify(status, Json.object(body)),
        headers);
  }

  @Override
  public List<String> defaultModels() {
    return MODELS;
  }
}
