package io.onegate.providers.zhipu;

import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.CredentialSource;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Zhipu ChatGLM v4, channel type 16 (https://open.bigmodel.cn/dev/api/normal-model/glm-4):
 * {@code {base}/api/paas/v4/chat/completions} and {@code /api/paas/v4/embeddings}, OpenAI-shaped bodies,
 * {@code Authorization: Bearer <JWT>} where the JWT comes from {@link ZhipuJwtCredentials} (the transport caches
 * it until its expiry). The legacy v3 {@code chatglm_*} invoke API is not supported.
 */
public final class ZhipuAdaptor extends JsonDialectAdaptor {
  public static final String DEFAULT_BASE_URL = "https://open.bigmodel.cn";
  private static final List<String> MODELS = List.of("glm-4", "glm-4v", "glm-3-turbo", "glm-4-plus",
      "glm-4-air", "glm-4-airx", "glm-4-flash", "glm-4-long", "embedding-2", "embedding-3");

  private final TranslationEnv env;
  private final ZhipuJwtCredentials credentials;

  public ZhipuAdaptor() {
    this(TranslationEnv.system(), Duration.ofHours(1));
  }

  /** @param jwtLifetime how long each signed JWT is valid (the transport re-signs a minute before it ends) */
  public ZhipuAdaptor(TranslationEnv env, Duration jwtLifetime) {
    this.env = env;
    this.credentials = new ZhipuJwtCredentials(jwtLifetime);
  }

  @Override
  public String name() {
    return "zhipu";
  }

  @Override
  public boolean supports(Endpoint endpoint) {
    return endpoint == Endpoint.CHAT_COMPLETIONS || endpoint == Endpoint.EMBEDDINGS;
  }

  @Override
  public CredentialSource credentialSource() {
    return credentials;
  }

  @Override
  public UpstreamRequest request(AttemptSpec spec, ClientRequest client, String credential) {
    JsonObject body = client.json() == null ? new JsonObject() : client.json().copy();
    body.put("model", spec.upstreamModel());
    String base = Urls.base(spec.channel(), DEFAULT_BASE_URL);
    String path;
    if (spec.endpoint() == Endpoint.EMBEDDINGS) {
      path = "/api/paas/v4/embeddings";
    } else {
      path = "/api/paas/v4/chat/completions";
      body.remove("stream_options"); // not part of Zhipu's API; usage always arrives on the last chunk
      if (spec.stream()) {
        body.put("stream", true);
      } else {
        body.remove("stream");
      }
    }
    return new UpstreamRequest("POST", base + path, Map.of("authorization", "Bearer " + credential,
        "content-type", "application/json", "accept", spec.stream() ? "text/event-stream" : "application/json"),
        body.toBuffer());
  }

  @Override
  protected UpstreamFailure errorInBody(JsonObject json) {
    return Json.obj(json, "error") != null ? ZhipuErrorClassifier.classify(200, json) : null;
  }

  @Override
  protected JsonObject translate(AttemptSpec spec, JsonObject json) {
    return spec.endpoint() == Endpoint.EMBEDDINGS ? ZhipuResponses.embeddings(json, spec.upstreamModel())
        : ZhipuResponses.chat(json, spec.upstreamModel(), env);
  }

  @Override
  protected UpstreamFailure classifyError(int status, JsonObject json) {
    return ZhipuErrorClassifier.classify(status, json);
  }

  @Override
  public StreamTranslator streamTranslator(AttemptSpec spec) {
    return new ZhipuStreamTranslator(ChunkWriter.of(env, spec));
  }

  @Override
  public List<String> defaultModels() {
    return MODELS;
  }
}
