package io.onegate.providers.ali;

import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.UpstreamRequest;
import io.onegate.providers.support.ChunkWriter;
import io.onegate.providers.support.JsonDialectAdaptor;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.TranslationEnv;
import io.onegate.providers.support.Urls;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Alibaba DashScope native API (Qwen), channel type 17: {@code {base}/api/v1/services/aigc/text-generation/generation}
 * (streams with {@code X-DashScope-SSE: enable}) and
 * {@code {base}/api/v1/services/embeddings/text-embedding/text-embedding}, {@code Authorization: Bearer <key>};
 * the channel's {@code plugin} config is sent as {@code X-DashScope-Plugin}. Stateless.
 */
public final class AliAdaptor extends JsonDialectAdaptor {
  public static final String DEFAULT_BASE_URL = "https://dashscope.aliyuncs.com";
  private static final List<String> MODELS = List.of("qwen-long", "qwen-turbo", "qwen-turbo-latest", "qwen-plus",
      "qwen-plus-latest", "qwen-max", "qwen-max-latest", "qwen-max-longcontext", "qwen-math-plus",
      "qwen-math-turbo", "qwen-coder-plus", "qwen-coder-turbo", "qwq-32b-preview", "qwen2.5-72b-instruct",
      "qwen2.5-32b-instruct", "qwen2.5-14b-instruct", "qwen2.5-7b-instruct", "qwen2-72b-instruct",
      "qwen2-7b-instruct", "qwen1.5-72b-chat", "qwen1.5-14b-chat", "qwen1.5-7b-chat", "qwen-72b-chat",
      "qwen-14b-chat", "qwen-7b-chat", "text-embedding-v1", "text-embedding-v2", "text-embedding-v3");

  private final TranslationEnv env;

  public AliAdaptor() {
    this(TranslationEnv.system());
  }

  public AliAdaptor(TranslationEnv env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "ali";
  }

  @Override
  public boolean supports(Endpoint endpoint) {
    return endpoint == Endpoint.CHAT_COMPLETIONS || endpoint == Endpoint.EMBEDDINGS;
  }

  @Override
  public UpstreamRequest request(AttemptSpec spec, ClientRequest client, String credential) {
    JsonObject request = client.json() == null ? new JsonObject() : client.json();
    String base = Urls.base(spec.channel(), DEFAULT_BASE_URL);
    Map<String, String> headers = new HashMap<>();
    headers.put("authorization", "Bearer " + credential);
    headers.put("content-type", "application/json");
    if (spec.endpoint() == Endpoint.EMBEDDINGS) {
      return new UpstreamRequest("POST", base + "/api/v1/services/embeddings/text-embedding/text-embedding",
          headers, AliRequestTranslator.embedding(request, spec.upstreamModel()).toBuffer());
    }
    if (spec.stream()) {
      headers.put("x-dashscope-sse", "enable");
      headers.put("accept", "text/event-stream");
    }
    String plugin = spec.channel().config().get("plugin");
    if (plugin != null && !plugin.isBlank()) {
      headers.put("x-dashscope-plugin", plugin);
    }
    return new UpstreamRequest("POST", base + "/api/v1/services/aigc/text-generation/generation", headers,
        AliRequestTranslator.generation(request, spec.upstreamModel(), spec.stream()).toBuffer());
  }

  @Override
  protected UpstreamFailure errorInBody(JsonObject json) {
    return AliErrorClassifier.isError(json) ? AliErrorClassifier.classify(200, json) : null;
  }

  @Override
  protected JsonObject translate(AttemptSpec spec, JsonObject json) {
    return spec.endpoint() == Endpoint.EMBEDDINGS ? AliResponseTranslator.embeddings(json, spec.upstreamModel())
        : AliResponseTranslator.chat(json, spec.upstreamModel(), env);
  }

  @Override
  protected UpstreamFailure classifyError(int status, JsonObject json) {
    return AliErrorClassifier.classify(status, json);
  }

  @Override
  public StreamTranslator streamTranslator(AttemptSpec spec) {
    return new AliStreamTranslator(ChunkWriter.of(env, spec));
  }

  @Override
  public List<String> defaultModels() {
    return MODELS;
  }
}
