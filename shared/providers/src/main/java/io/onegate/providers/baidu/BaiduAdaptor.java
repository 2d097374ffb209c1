package io.onegate.providers.baidu;

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
import java.util.List;
import java.util.Map;

/**
 * Baidu ERNIE legacy API, channel type 15: {@code {base}/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/{endpoint}}
 * and {@code …/embeddings/{endpoint}} with {@code ?access_token=} from {@link BaiduAccessTokens} (key
 * {@code AK|SK}). Errors arrive in 200 bodies ({@link #failureInBody}). Stateless.
 */
public final class BaiduAdaptor extends JsonDialectAdaptor {
  public static final String DEFAULT_BASE_URL = "https://aip.baidubce.com";
  private static final String PREFIX = "/rpc/2.0/ai_custom/v1/wenxinworkshop/";

  private final TranslationEnv env;
  private final BaiduAccessTokens tokens = new BaiduAccessTokens();

  public BaiduAdaptor() {
    this(TranslationEnv.system());
  }

  public BaiduAdaptor(TranslationEnv env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "baidu";
  }

  @Override
  public boolean supports(Endpoint endpoint) {
    return endpoint == Endpoint.CHAT_COMPLETIONS || endpoint == Endpoint.EMBEDDINGS;
  }

  @Override
  public CredentialSource credentialSource() {
    return tokens;
  }

  @Override
  public UpstreamRequest request(AttemptSpec spec, ClientRequest client, String credential) {
    JsonObject request = client.json() == null ? new JsonObject() : client.json();
    boolean embeddings = spec.endpoint() == Endpoint.EMBEDDINGS;
    String url = Urls.base(spec.channel(), DEFAULT_BASE_URL) + PREFIX + (embeddings ? "embeddings/" : "chat/")
        + BaiduModels.endpoint(spec.upstreamModel()) + "?access_token=" + Urls.enc(credential);
    JsonObject body = embeddings ? BaiduTranslator.embeddingRequest(request)
        : BaiduTranslator.chatRequest(request, spec.stream());
    return new UpstreamRequest("POST", url, Map.of("content-type", "application/json"), body.toBuffer());
  }

  @Override
  protected UpstreamFailure errorInBody(JsonObject json) {
    return BaiduErrorClassifier.isError(json) ? BaiduErrorClassifier.classify(200, json) : null;
  }

  @Override
  protected JsonObject translate(AttemptSpec spec, JsonObject json) {
    return spec.endpoint() == Endpoint.EMBEDDINGS ? BaiduTranslator.embeddingResponse(json, spec.upstreamModel())
        : BaiduTranslator.chatResponse(json, spec.upstreamModel(), env);
  }

  @Override
  protected UpstreamFailure classifyError(int status, JsonObject json) {
    return BaiduErrorClassifier.classify(status, json);
  }

  @Override
  public StreamTranslator streamTranslator(AttemptSpec spec) {
    return new BaiduStreamTranslator(ChunkWriter.of(env, spec));
  }

  @Override
  public List<String> defaultModels() {
    return BaiduModels.DEFAULT_MODELS;
  }
}
