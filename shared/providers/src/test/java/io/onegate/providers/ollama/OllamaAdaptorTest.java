package io.onegate.providers.ollama;

import io.onegate.testkit.fake.FakeServer.Call;
import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.error.FailureClass;
import io.onegate.providers.contract.TestkitFakeRoundTrips;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.UpstreamRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class OllamaAdaptorTest extends TestkitFakeRoundTrips {
  private final OllamaAdaptor adaptor = new OllamaAdaptor(ENV);

  @Override
  protected ProviderAdaptor adaptor() {
    return adaptor;
  }
  @Override
  protected io.onegate.testkit.fake.ProviderFake testkitFake() {
    return new io.onegate.testkit.fake.OllamaFake();
  }


  @Override
  protected int channelType() {
    return 30;
  }

  @Override
  protected String provider() {
    return "ollama";
  }

  @Override
  protected String model() {
    return "llama3.2";
  }

  @Override
  protected String embeddingModel() {
    return "all-minilm";
  }

  @Override
  protected Expected chat() {
    return new Expected("Hello! How are you today?", 26, 298, "stop");
  }

  @Override
  protected Expected stream() {
    return new Expected("The sky is blue — 蓝色。", 26, 282, "stop");
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(new ErrorCase(400, "error-400.json", FailureClass.BAD_REQUEST),
        new ErrorCase(401, "error-401.json", FailureClass.INVALID_KEY),
        new ErrorCase(403, "error-403.json", FailureClass.ACCOUNT_DISABLED),
        new ErrorCase(404, "error-404.json", FailureClass.MODEL_UNAVAILABLE),
        new ErrorCase(429, "error-429.json", FailureClass.RATE_LIMITED),
        new ErrorCase(500, "error-500.json", FailureClass.TRANSIENT),
        new ErrorCase(503, "error-503.json", FailureClass.TRANSIENT));
  }

  @Override
  protected void verifyMinimalRequest(UpstreamRequest request, JsonObject body, boolean stream) {
    assertThat(request.url()).isEqualTo(PURE_BASE_URL + "/api/chat");
    assertThat(request.headers()).containsEntry("authorization", "Bearer " + key());
    assertThat(body).isEqualTo(new JsonObject().put("model", "llama3.2").put("messages",
        new io.vertx.core.json.JsonArray("[{\"role\":\"user\",\"content\":\"Hello\"}]")).put("stream", stream));
  }

  @Override
  protected void verifyUpstreamCall(Call call, boolean stream) {
    assertThat(call.path()).isEqualTo("/api/chat");
    assertThat(call.header("authorization")).isEqualTo("Bearer " + key());
    JsonObject body = new JsonObject(call.body());
    assertThat(body.getBoolean("stream")).isEqualTo(stream);
    assertThat(body.getString("model")).isEqualTo("llama3.2");
  }

  @Override
  protected void verifyEmbeddingCall(Call call) {
    assertThat(call.path()).isEqualTo("/api/embed");
    assertThat(new JsonObject(call.body())).isEqualTo(new JsonObject(
        "{\"model\":\"all-minilm\",\"input\":[\"a\",\"b\"]}"));
  }

  @Test
  void sendsOptionsImagesAndToolsInOllamasShape() {
    JsonObject request = new JsonObject("""
        {"model":"llava","max_tokens":64,"temperature":0.1,"seed":7,"stop":"###",
         "messages":[{"role":"developer","content":"Be brief."},
          {"role":"user","content":[{"type":"text","text":"What is this?"},
            {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo"}},
            {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]},
          {"role":"assistant","tool_calls":[{"id":"call_1","type":"function",
            "function":{"name":"lookup","arguments":"{\\"q\\":\\"cat\\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"a cat"}],
         "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]}""");
    JsonObject body = new JsonObject(adaptor.request(chatSpec(false), client(request), "").body());
    assertThat(body.getJsonObject("options")).isEqualTo(new JsonObject(
        "{\"temperature\":0.1,\"seed\":7,\"num_predict\":64,\"stop\":[\"###\"]}"));
    var messages = body.getJsonArray("messages");
    assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("system");
    assertThat(messages.getJsonObject(1).getJsonArray("images")).containsExactly("iVBORw0KGgo");
    assertThat(messages.getJsonObject(2).getJsonArray("tool_calls").getJsonObject(0)).isEqualTo(new JsonObject(
        "{\"function\":{\"name\":\"lookup\",\"arguments\":{\"q\":\"cat\"}}}"));
    assertThat(messages.getJsonObject(3).getString("tool_name")).isEqualTo("lookup");
    assertThat(body.getJsonArray("tools")).hasSize(1);
    assertThat(adaptor.request(chatSpec(false), client(request), "").headers()).doesNotContainKey("authorization");
  }

  @Test
  void translatesToolCallsWithGeneratedIds() {
    JsonObject body = new JsonObject(adaptor.response(chatSpec(false), cassette("chat-tools.json")));
    JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("finish_reason")).isEqualTo("tool_calls");
    JsonObject call = choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0);
    assertThat(call.getString("id")).isEqualTo("call_test0001");
    assertThat(new JsonObject(call.getJsonObject("function").getString("arguments")))
        .isEqualTo(new JsonObject("{\"format\":\"celsius\",\"location\":\"Paris, FR\"}"));
  }
}
