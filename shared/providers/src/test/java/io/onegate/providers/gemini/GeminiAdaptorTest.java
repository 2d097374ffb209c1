package io.onegate.providers.gemini;

import io.onegate.testkit.fake.FakeServer.Call;
import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.error.FailureClass;
import io.onegate.providers.contract.TestkitFakeRoundTrips;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.UpstreamRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeminiAdaptorTest extends TestkitFakeRoundTrips {
  private final GeminiAdaptor adaptor = new GeminiAdaptor(ENV, "v1", "BLOCK_NONE");

  @Override
  protected ProviderAdaptor adaptor() {
    return adaptor;
  }
  @Override
  protected io.onegate.testkit.fake.ProviderFake testkitFake() {
    return new io.onegate.testkit.fake.GeminiFake();
  }


  @Override
  protected int channelType() {
    return 24;
  }

  @Override
  protected String provider() {
    return "gemini";
  }

  @Override
  protected String model() {
    return "gemini-1.5-flash";
  }

  @Override
  protected String embeddingModel() {
    return "text-embedding-004";
  }

  @Override
  protected Expected chat() {
    return new Expected("Hello! How can I help you today?", 4, 9, "stop");
  }

  @Override
  protected Expected stream() {
    return new Expected("The sky is blue, 天空是蓝色的.", 8, 11, "stop");
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(new ErrorCase(400, "error-400.json", FailureClass.BAD_REQUEST),
        new ErrorCase(400, "error-400-key.json", FailureClass.INVALID_KEY),
        new ErrorCase(400, "error-400-array.json", FailureClass.INVALID_KEY),
        new ErrorCase(400, "error-400-precondition.json", FailureClass.ACCOUNT_DISABLED),
        new ErrorCase(401, "error-401.json", FailureClass.INVALID_KEY),
        new ErrorCase(403, "error-403.json", FailureClass.ACCOUNT_DISABLED),
        new ErrorCase(404, "error-404.json", FailureClass.MODEL_UNAVAILABLE),
        new ErrorCase(429, "error-429.json", FailureClass.RATE_LIMITED),
        new ErrorCase(500, "error-500.json", FailureClass.TRANSIENT),
        new ErrorCase(503, "error-503.json", FailureClass.TRANSIENT),
        new ErrorCase(504, "error-504.json", FailureClass.TIMEOUT));
  }

  @Override
  protected void verifyMinimalRequest(UpstreamRequest request, JsonObject body, boolean stream) {
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.url()).isEqualTo(PURE_BASE_URL + "/v1beta/models/gemini-1.5-flash"
        + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent"));
    assertThat(request.headers()).containsEntry("x-goog-api-key", key());
    assertThat(body.getJsonArray("contents")).isEqualTo(new JsonArray(
        "[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]"));
    assertThat(body.getJsonArray("safetySettings")).hasSize(5)
        .allMatch(s -> ((JsonObject) s).getString("threshold").equals("BLOCK_NONE"));
    assertThat(body.containsKey("generationConfig")).isFalse();
  }

  @Override
  protected void verifyUpstreamCall(Call call, boolean stream) {
    assertThat(call.path()).isEqualTo("/v1beta/models/gemini-1.5-flash"
        + (stream ? ":streamGenerateContent" : ":generateContent"));
    assertThat(call.query()).isEqualTo(stream ? "alt=sse" : null);
    assertThat(call.header("x-goog-api-key")).isEqualTo(key());
    assertThat(new JsonObject(call.body()).getJsonArray("contents").getJsonObject(0).getString("role"))
        .isEqualTo("user");
  }

  @Override
  protected void verifyEmbeddingCall(Call call) {
    assertThat(call.path()).isEqualTo("/v1/models/text-embedding-004:batchEmbedContents");
    assertThat(call.header("x-goog-api-key")).isEqualTo(key());
    JsonArray requests = new JsonObject(call.body()).getJsonArray("requests");
    assertThat(requests).hasSize(2);
    assertThat(requests.getJsonObject(0)).isEqualTo(new JsonObject(
        "{\"model\":\"models/text-embedding-004\",\"content\":{\"parts\":[{\"text\":\"a\"}]}}"));
  }

  @Test
  void choosesTheApiVersionFromConfigThenModelFamily() {
    assertThat(adaptor.version(spec(PURE_BASE_URL, Endpoint.CHAT_COMPLETIONS, "x", "gemini-pro", false)))
        .isEqualTo("v1");
    assertThat(adaptor.version(spec(PURE_BASE_URL, Endpoint.CHAT_COMPLETIONS, "x", "gemini-2.0-flash", false)))
        .isEqualTo("v1beta");
    var configured = new io.onegate.common.domain.Channel(1, 24, key(), 1, "c", 1, "", List.of(), List.of(),
        Map.of(), 0, Map.of("api_version", "v1alpha"), "", "");
    assertThat(adaptor.version(new io.onegate.providers.spi.AttemptSpec(configured, Endpoint.CHAT_COMPLETIONS,
        "x", "gemini-pro", false))).isEqualTo("v1alpha");
  }

  @Test
  void translatesSystemToolsAndToolResults() {
    JsonObject request = new JsonObject("""
        {"model":"g","max_tokens":50,"temperature":0.5,"stop":["x"],"response_format":{"type":"json_object"},
         "messages":[{"role":"system","content":"Be brief."},
          {"role":"user","content":[{"type":"text","text":"Weather?"},
            {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR"}}]},
          {"role":"assistant","tool_calls":[{"id":"call_1","type":"function",
            "function":{"name":"get_weather","arguments":"{\\"location\\":\\"Boston\\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"{\\"temp\\":20}"}],
         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
           "additionalProperties":false,"properties":{"location":{"type":"string"}}}}}],
         "tool_choice":"required"}""");
    JsonObject body = new JsonObject(adaptor.request(chatSpec(false), client(request), key()).body());
    assertThat(body.getJsonObject("systemInstruction")).isEqualTo(new JsonObject(
        "{\"parts\":[{\"text\":\"Be brief.\"}]}"));
    JsonArray contents = body.getJsonArray("contents");
    assertThat(contents).hasSize(3);
    assertThat(contents.getJsonObject(0).getJsonArray("parts").getJsonObject(1)).isEqualTo(new JsonObject(
        "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBOR\"}}"));
    assertThat(contents.getJsonObject(1)).isEqualTo(new JsonObject(
        "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"location\":\"Boston\"}}}]}"));
    assertThat(contents.getJsonObject(2)).isEqualTo(new JsonObject(
        "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"temp\":20}}}]}"));
    assertThat(body.getJsonObject("generationConfig")).isEqualTo(new JsonObject(
        "{\"temperature\":0.5,\"maxOutputTokens\":50,\"stopSequences\":[\"x\"],\"responseMimeType\":\"application/json\"}"));
    JsonObject declaration = body.getJsonArray("tools").getJsonObject(0).getJsonArray("functionDeclarations")
        .getJsonObject(0);
    assertThat(declaration.getJsonObject("parameters").containsKey("additionalProperties")).isFalse();
    assertThat(body.getJsonObject("toolConfig")).isEqualTo(new JsonObject(
        "{\"functionCallingConfig\":{\"mode\":\"ANY\"}}"));
  }

  @Test
  void translatesFunctionCallsIntoToolCalls() {
    JsonObject body = new JsonObject(adaptor.response(chatSpec(false), cassette("chat-tools.json")));
    JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("finish_reason")).isEqualTo("tool_calls");
    JsonObject call = choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0);
    assertThat(call.getString("id")).isEqualTo("call_test0001");
    assertThat(call.getJsonObject("function").getString("name")).isEqualTo("get_weather");
    assertThat(new JsonObject(call.getJsonObject("function").getString("arguments")))
        .isEqualTo(new JsonObject("{\"location\":\"Boston, MA\"}"));

    StreamRun run = runStream(List.of(cassette("chat-tools-stream.sse")), true);
    assertThat(run.sse()).contains("\"tool_calls\":[{\"index\":0,\"id\":\"call_test0001\",\"type\":\"function\"")
        .contains("\"finish_reason\":\"tool_calls\"");
  }
}
