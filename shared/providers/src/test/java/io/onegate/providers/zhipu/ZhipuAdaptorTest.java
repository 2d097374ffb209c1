package io.onegate.providers.zhipu;

import io.onegate.testkit.fake.FakeServer.Call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.providers.contract.TestkitFakeRoundTrips;
import io.onegate.providers.spi.CredentialException;
import io.onegate.providers.spi.CredentialSource.Credential;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.UpstreamRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ZhipuAdaptorTest extends TestkitFakeRoundTrips {
  private final ZhipuAdaptor adaptor = new ZhipuAdaptor(ENV, Duration.ofHours(1));

  @Override
  protected ProviderAdaptor adaptor() {
    return adaptor;
  }
  @Override
  protected io.onegate.testkit.fake.ProviderFake testkitFake() {
    return new io.onegate.testkit.fake.ZhipuFake(ENV.clock());
  }


  @Override
  protected int channelType() {
    return 16;
  }

  @Override
  protected String provider() {
    return "zhipu";
  }

  @Override
  protected String model() {
    return "glm-4";
  }

  @Override
  protected String embeddingModel() {
    return "embedding-2";
  }

  @Override
  protected String key() {
    return "4f3e2d1c0b.Zm9vYmFyc2VjcmV0";
  }

  @Override
  protected String credential() {
    return adaptor.credentialSource().local(channel(PURE_BASE_URL), ENV.clock().instant()).value();
  }

  @Override
  protected Expected chat() {
    return new Expected("智绘蓝图温馨家，精准设计，打造您的梦想家园！", 31, 217, "stop");
  }

  @Override
  protected Expected stream() {
    return new Expected("土星是", 60, 3, "stop");
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(new ErrorCase(400, "error-400.json", FailureClass.BAD_REQUEST),
        new ErrorCase(400, "error-400-model.json", FailureClass.MODEL_UNAVAILABLE),
        new ErrorCase(401, "error-401.json", FailureClass.INVALID_KEY),
        new ErrorCase(403, "error-403.json", FailureClass.ACCOUNT_DISABLED),
        new ErrorCase(404, "error-404.json", FailureClass.MODEL_UNAVAILABLE),
        new ErrorCase(429, "error-429.json", FailureClass.RATE_LIMITED),
        new ErrorCase(429, "error-429-arrears.json", FailureClass.QUOTA_EXHAUSTED),
        new ErrorCase(429, "error-429-locked.json", FailureClass.ACCOUNT_DISABLED),
        new ErrorCase(500, "error-500.json", FailureClass.TRANSIENT));
  }

  @Override
  protected void verifyMinimalRequest(UpstreamRequest request, JsonObject body, boolean stream) {
    assertThat(request.url()).isEqualTo(PURE_BASE_URL + "/api/paas/v4/chat/completions");
    assertThat(request.headers()).containsEntry("authorization", "Bearer " + credential());
    assertThat(body).isEqualTo(minimalChat(stream));
  }

  @Override
  protected void verifyUpstreamCall(Call call, boolean stream) {
    assertThat(call.path()).isEqualTo("/api/paas/v4/chat/completions");
    assertThat(call.header("authorization")).isEqualTo("Bearer " + credential());
    JsonObject body = new JsonObject(call.body());
    assertThat(body.getString("model")).isEqualTo("glm-4");
    assertThat(body.getBoolean("stream", false)).isEqualTo(stream);
  }

  @Override
  protected void verifyEmbeddingCall(Call call) {
    assertThat(call.path()).isEqualTo("/api/paas/v4/embeddings");
    assertThat(call.header("authorization")).isEqualTo("Bearer " + credential());
    assertThat(new JsonObject(call.body()).getJsonArray("input")).containsExactly("a", "b");
  }

  @Test
  void signsAJwtWithZhipusDocumentedHeaderClaimsAndExpiry() throws Exception {
    Instant now = Instant.parse("2026-03-01T12:00:00.123Z");
    Credential credential = adaptor.credentialSource().local(channel(PURE_BASE_URL), now);
    String[] parts = credential.value().split("\\.");
    assertThat(parts).hasSize(3);
    Base64.Decoder decoder = Base64.getUrlDecoder();
    JsonObject header = new JsonObject(new String(decoder.decode(parts[0]), StandardCharsets.UTF_8));
    JsonObject claims = new JsonObject(new String(decoder.decode(parts[1]), StandardCharsets.UTF_8));
    assertThat(header).isEqualTo(new JsonObject().put("alg", "HS256").put("sign_type", "SIGN"));
    assertThat(claims.getString("api_key")).isEqualTo("4f3e2d1c0b");
    assertThat(claims.getLong("timestamp")).isEqualTo(now.toEpochMilli());
    assertThat(claims.getLong("exp")).isEqualTo(now.plus(Duration.ofHours(1)).toEpochMilli());
    assertThat(credential.expiresAt()).isEqualTo(now.plus(Duration.ofMinutes(59)));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("Zm9vYmFyc2VjcmV0".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.UTF_8));
    assertThat(decoder.decode(parts[2])).isEqualTo(expected);
    assertThat(adaptor.credentialSource().exchangeRequest(channel(PURE_BASE_URL))).isNull();
  }

  @Test
  void refusesAKeyThatIsNotIdDotSecret() {
    Channel bad = new Channel(2, 16, "no-dot-here", 1, "z", 1, "", List.of(), List.of(), Map.of(), 0, Map.of(),
        "", "");
    assertThatThrownBy(() -> adaptor.credentialSource().local(bad, Instant.EPOCH))
        .isInstanceOfSatisfying(CredentialException.class, e -> {
          assertThat(e.failure().failureClass()).isEqualTo(FailureClass.INVALID_KEY);
          assertThat(e.getMessage()).doesNotContain("no-dot-here");
        });
  }

  @Test
  void normalisesToolCallChunksAndMovesUsageToTheFinalChunk() {
    StreamRun run = runStream(List.of(cassette("chat-tools-stream.sse")), true);
    List<JsonObject> chunks = run.chunks();
    assertThat(chunks).hasSize(2);
    JsonObject call = chunks.get(0).getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
        .getJsonArray("tool_calls").getJsonObject(0);
    assertThat(call.getInteger("index")).isZero();
    assertThat(call.getJsonObject("function").getString("name")).isEqualTo("get_weather");
    assertThat(chunks.get(0).containsKey("usage")).isFalse();
    assertThat(chunks.get(1).getJsonObject("usage").getLong("total_tokens")).isEqualTo(162);
  }
}
