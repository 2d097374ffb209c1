package io.onegate.providers.baidu;

import io.onegate.testkit.fake.FakeServer.Call;
import io.onegate.testkit.fake.FakeServer.Answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.providers.contract.TestkitFakeRoundTrips;
import io.onegate.providers.spi.CredentialException;
import io.onegate.providers.spi.CredentialSource;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.UpstreamRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BaiduAdaptorTest extends TestkitFakeRoundTrips {
  private static final String TOKEN = "24.460da4889caad24cccdb1fea17221975.2592000.1491995545.282335-8574074";
  private final BaiduAdaptor adaptor = new BaiduAdaptor(ENV);

  @Override
  protected ProviderAdaptor adaptor() {
    return adaptor;
  }
  @Override
  protected io.onegate.testkit.fake.ProviderFake testkitFake() {
    return new io.onegate.testkit.fake.BaiduFake(0);
  }


  @Override
  protected int channelType() {
    return 15;
  }

  @Override
  protected String provider() {
    return "baidu";
  }

  @Override
  protected String model() {
    return "ERNIE-4.0-8K";
  }

  @Override
  protected String overrideModel() {
    return "ernie-speed-128k";
  }

  @Override
  protected String embeddingModel() {
    return "Embedding-V1";
  }

  @Override
  protected String key() {
    return "AkAkAkAkAkAkAk|SkSkSkSkSkSkSk";
  }

  @Override
  protected String credential() {
    return TOKEN;
  }

  @Override
  protected Answer credentialAnswer() {
    return Answer.of(200, "application/json", cassette("token.json"));
  }

  @Override
  protected Expected chat() {
    return new Expected("您好，我是文心一言，英文名是ERNIE Bot。", 1, 15, "stop");
  }

  @Override
  protected Expected stream() {
    return new Expected("当然可以，以下是一些建议的自驾游路线。", 5, 10, "stop");
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(new ErrorCase(400, "error-400.json", FailureClass.BAD_REQUEST),
        new ErrorCase(200, "error-14.json", FailureClass.INVALID_KEY),
        new ErrorCase(401, "error-401.html", FailureClass.INVALID_KEY),
        new ErrorCase(403, "error-403.json", FailureClass.ACCOUNT_DISABLED),
        new ErrorCase(404, "error-404.html", FailureClass.MODEL_UNAVAILABLE),
        new ErrorCase(200, "error-336005.json", FailureClass.MODEL_UNAVAILABLE),
        new ErrorCase(429, "error-429.json", FailureClass.RATE_LIMITED),
        new ErrorCase(200, "error-17.json", FailureClass.QUOTA_EXHAUSTED),
        new ErrorCase(200, "error-110.json", FailureClass.TRANSIENT),
        new ErrorCase(500, "error-500.json", FailureClass.TRANSIENT),
        new ErrorCase(502, "error-502.html", FailureClass.TRANSIENT));
  }

  @Override
  protected void verifyMinimalRequest(UpstreamRequest request, JsonObject body, boolean stream) {
    assertThat(request.url()).isEqualTo(PURE_BASE_URL
        + "/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions_pro?access_token=" + TOKEN);
    JsonObject expected = new JsonObject("{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
    assertThat(body).isEqualTo(stream ? expected.put("stream", true) : expected);
  }

  @Override
  protected void verifyUpstreamCall(Call call, boolean stream) {
    assertThat(call.path()).isEqualTo("/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions_pro");
    assertThat(call.query()).isEqualTo("access_token=" + TOKEN);
    JsonObject body = new JsonObject(call.body());
    assertThat(body.getJsonArray("messages")).hasSize(1);
    assertThat(body.getBoolean("stream", false)).isEqualTo(stream);
    Call exchange = calls().get(0);
    assertThat(exchange.method()).isEqualTo("POST");
    assertThat(exchange.path()).isEqualTo("/oauth/2.0/token");
    assertThat(exchange.query())
        .isEqualTo("grant_type=client_credentials&client_id=AkAkAkAkAkAkAk&client_secret=SkSkSkSkSkSkSk");
  }

  @Override
  protected void verifyEmbeddingCall(Call call) {
    assertThat(call.path()).isEqualTo("/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/embedding-v1");
    assertThat(new JsonObject(call.body())).isEqualTo(new JsonObject("{\"input\":[\"a\",\"b\"]}"));
  }

  @Test
  void mapsModelNamesToWenxinworkshopEndpoints() {
    assertThat(BaiduModels.endpoint("ernie-4.0-8k")).isEqualTo("completions_pro");
    assertThat(BaiduModels.endpoint("ERNIE-4.0-8K")).isEqualTo("completions_pro");
    assertThat(BaiduModels.endpoint("ERNIE-3.5-8K")).isEqualTo("completions");
    assertThat(BaiduModels.endpoint("ERNIE-Speed-8K")).isEqualTo("ernie_speed");
    assertThat(BaiduModels.endpoint("ERNIE-Lite-8K-0922")).isEqualTo("eb-instant");
    assertThat(BaiduModels.endpoint("bge-large-zh")).isEqualTo("bge_large_zh");
    assertThat(BaiduModels.endpoint("ERNIE-Speed-128K")).isEqualTo("ernie-speed-128k");
  }

  @Test
  void exchangesAkSkForAnAccessTokenRefreshedAnHourBeforeItExpires() {
    CredentialSource tokens = adaptor.credentialSource();
    UpstreamRequest exchange = tokens.exchangeRequest(channel(PURE_BASE_URL));
    assertThat(exchange.method()).isEqualTo("POST");
    assertThat(exchange.url()).isEqualTo(PURE_BASE_URL + "/oauth/2.0/token?grant_type=client_credentials"
        + "&client_id=AkAkAkAkAkAkAk&client_secret=SkSkSkSkSkSkSk");
    assertThat(exchange.toString()).doesNotContain("SkSkSkSkSkSkSk");
    Instant now = Instant.parse("2026-02-01T00:00:00Z");
    var credential = tokens.parse(channel(PURE_BASE_URL), 200, cassette("token.json"), now);
    assertThat(credential.value()).isEqualTo(TOKEN);
    assertThat(credential.expiresAt()).isEqualTo(now.plus(Duration.ofSeconds(2592000)).minus(Duration.ofHours(1)));
  }

  @Test
  void aRejectedKeyFailsTheExchangeAsInvalidKey() {
    assertThatThrownBy(() -> adaptor.credentialSource().parse(channel(PURE_BASE_URL), 401,
        cassette("token-error.json"), Instant.EPOCH)).isInstanceOfSatisfying(CredentialException.class,
            e -> assertThat(e.failure().failureClass()).isEqualTo(FailureClass.INVALID_KEY));
    Channel noSecret = new Channel(2, 15, "only-ak", 1, "b", 1, "", List.of(), List.of(), Map.of(), 0, Map.of(),
        "", "");
    assertThatThrownBy(() -> adaptor.credentialSource().exchangeRequest(noSecret))
        .isInstanceOf(CredentialException.class);
    assertThatThrownBy(() -> adaptor.credentialSource().parse(channel(PURE_BASE_URL), 502,
        io.vertx.core.buffer.Buffer.buffer("<html>"), Instant.EPOCH))
        .isInstanceOfSatisfying(CredentialException.class,
            e -> assertThat(e.failure().failureClass()).isEqualTo(FailureClass.TRANSIENT));
  }

  @Test
  void staleTokenErrorsInvalidateTheCachedCredential() {
    var stale = adaptor.failureInBody(chatSpec(false), cassette("error-111.json"));
    assertThat(stale.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(adaptor.credentialSource().invalidates(stale)).isTrue();
    var quota = adaptor.failureInBody(chatSpec(false), cassette("error-17.json"));
    assertThat(adaptor.credentialSource().invalidates(quota)).isFalse();
    assertThat(quota.httpStatus()).isEqualTo(429);
  }

  @Test
  void sendsSystemPromptAndMergesConsecutiveTurns() {
    JsonObject request = new JsonObject("""
        {"model":"ERNIE-3.5-8K","max_tokens":99,"temperature":0.3,"user":"u9","messages":[
          {"role":"system","content":"You are helpful."},
          {"role":"user","content":"Hi"},{"role":"user","content":[{"type":"text","text":"there"}]},
          {"role":"assistant","content":"Hello"},{"role":"user","content":"Plan a trip"}]}""");
    JsonObject body = new JsonObject(adaptor.request(chatSpec(false), client(request), TOKEN).body());
    assertThat(body).isEqualTo(new JsonObject("""
        {"messages":[{"role":"user","content":"Hi\\nthere"},{"role":"assistant","content":"Hello"},
          {"role":"user","content":"Plan a trip"}],"system":"You are helpful.","temperature":0.3,
         "max_output_tokens":99,"user_id":"u9"}"""));
  }
}
