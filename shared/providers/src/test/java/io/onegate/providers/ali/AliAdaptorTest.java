package io.onegate.providers.ali;

import io.onegate.testkit.fake.FakeServer.Call;
import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.providers.contract.TestkitFakeRoundTrips;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.UpstreamRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AliAdaptorTest extends TestkitFakeRoundTrips {
  private final AliAdaptor adaptor = new AliAdaptor(ENV);

  @Override
  protected ProviderAdaptor adaptor() {
    return adaptor;
  }
  @Override
  protected io.onegate.testkit.fake.ProviderFake testkitFake() {
    return new io.onegate.testkit.fake.AliFake();
  }


  @Override
  protected int channelType() {
    return 17;
  }

  @Override
  protected String provider() {
    return "ali";
  }

  @Override
  protected String model() {
    return "qwen-turbo";
  }

  @Override
  protected String embeddingModel() {
    return "text-embedding-v1";
  }

  @Override
  protected Expected chat() {
    return new Expected("我是通义千问，由阿里云开发的AI助手。", 22, 16, "stop");
  }

  @Override
  protected Expected stream() {
    return new Expected("我是通义千问。", 22, 5, "stop");
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(new ErrorCase(400, "error-400.json", FailureClass.BAD_REQUEST),
        new ErrorCase(400, "error-400-arrearage.json", FailureClass.QUOTA_EXHAUSTED),
        new ErrorCase(400, "error-400-inspection.json", FailureClass.BAD_REQUEST),
        new ErrorCase(401, "error-401.json", FailureClass.INVALID_KEY),
        new ErrorCase(403, "error-403.json", FailureClass.ACCOUNT_DISABLED),
        new ErrorCase(404, "error-404.json", FailureClass.MODEL_UNAVAILABLE),
        new ErrorCase(429, "error-429.json", FailureClass.RATE_LIMITED),
        new ErrorCase(500, "error-500.json", FailureClass.TRANSIENT),
        new ErrorCase(504, "error-504.json", FailureClass.TIMEOUT));
  }

  @Override
  protected void verifyMinimalRequest(UpstreamRequest request, JsonObject body, boolean stream) {
    assertThat(request.url()).isEqualTo(PURE_BASE_URL + "/api/v1/services/aigc/text-generation/generation");
    assertThat(request.headers()).containsEntry("authorization", "Bearer " + key());
    if (stream) {
      assertThat(request.headers()).containsEntry("x-dashscope-sse", "enable");
    } else {
      assertThat(request.headers()).doesNotContainKey("x-dashscope-sse");
    }
    JsonObject parameters = new JsonObject().put("result_format", "message");
    if (stream) {
      parameters.put("incremental_output", true);
    }
    assertThat(body).isEqualTo(new JsonObject().put("model", "qwen-turbo")
        .put("input", new JsonObject("{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"))
        .put("parameters", parameters));
  }

  @Override
  protected void verifyUpstreamCall(Call call, boolean stream) {
    assertThat(call.path()).isEqualTo("/api/v1/services/aigc/text-generation/generation");
    assertThat(call.header("authorization")).isEqualTo("Bearer " + key());
    assertThat(call.header("x-dashscope-sse")).isEqualTo(stream ? "enable" : null);
    JsonObject body = new JsonObject(call.body());
    assertThat(body.getJsonObject("input").getJsonArray("messages")).hasSize(1);
    assertThat(body.getJsonObject("parameters").getBoolean("incremental_output", false)).isEqualTo(stream);
  }

  @Override
  protected void verifyEmbeddingCall(Call call) {
    assertThat(call.path()).isEqualTo("/api/v1/services/embeddings/text-embedding/text-embedding");
    assertThat(new JsonObject(call.body())).isEqualTo(new JsonObject(
        "{\"model\":\"text-embedding-v1\",\"input\":{\"texts\":[\"a\",\"b\"]},\"parameters\":{\"text_type\":\"query\"}}"));
  }

  @Test
  void internetModelsEnableSearchOnTheBaseModelAndPluginConfigBecomesAHeader() {
    Channel channel = new Channel(1, 17, key(), 1, "a", 1, PURE_BASE_URL, List.of(), List.of(), Map.of(), 0,
        Map.of("plugin", "{\"pdf_extracter\":{}}"), "", "");
    AttemptSpec spec = new AttemptSpec(channel, Endpoint.CHAT_COMPLETIONS, "qwen-max-internet", "qwen-max-internet",
        false);
    UpstreamRequest request = adaptor.request(spec, client(minimalChat(false)), key());
    JsonObject body = new JsonObject(request.body());
    assertThat(body.getString("model")).isEqualTo("qwen-max");
    assertThat(body.getJsonObject("parameters").getBoolean("enable_search")).isTrue();
    assertThat(request.headers()).containsEntry("x-dashscope-plugin", "{\"pdf_extracter\":{}}");
  }

  @Test
  void streamsIncrementalToolCallFragments() {
    StreamRun run = runStream(List.of(cassette("chat-tools-stream.sse")), true);
    List<JsonObject> calls = run.chunks().stream().flatMap(c -> c.getJsonArray("choices").stream())
        .map(JsonObject.class::cast).map(c -> c.getJsonObject("delta"))
        .filter(d -> d != null && d.containsKey("tool_calls"))
        .map(d -> d.getJsonArray("tool_calls").getJsonObject(0)).toList();
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).getString("id")).isEqualTo("call_8f08d2b0fc0c4d8fab7123");
    String arguments = calls.stream().map(c -> c.getJsonObject("function").getString("arguments"))
        .reduce("", String::concat);
    assertThat(new JsonObject(arguments)).isEqualTo(new JsonObject("{\"location\":\"杭州\"}"));
    assertThat(run.sse()).contains("\"finish_reason\":\"tool_calls\"");
    assertThat(run.translator().usage().completionTokens()).isEqualTo(16);
  }

  @Test
  void anErrorEventBecomesAnOpenAiErrorEvent() {
    StreamRun run = runStream(List.of(cassette("chat-stream-error.sse")), true);
    assertThat(run.translator().failure().failureClass()).isEqualTo(FailureClass.BAD_REQUEST);
    assertThat(run.sse()).startsWith("data: {\"error\":{\"message\":\"Input data may contain inappropriate content.\"");
  }

  @Test
  void ordersEmbeddingsByTextIndex() {
    AttemptSpec spec = spec(PURE_BASE_URL, Endpoint.EMBEDDINGS, "text-embedding-v1", "text-embedding-v1", false);
    JsonObject body = new JsonObject(adaptor.response(spec, cassette("embeddings.json")));
    assertThat(body.getJsonArray("data").getJsonObject(0).getJsonArray("embedding").getDouble(0)).isEqualTo(-0.0069);
    assertThat(adaptor.usage(spec, body.toBuffer()).promptTokens()).isEqualTo(12);
  }
}
