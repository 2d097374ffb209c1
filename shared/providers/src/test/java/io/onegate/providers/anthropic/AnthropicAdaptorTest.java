package io.onegate.providers.anthropic;

import io.onegate.testkit.fake.FakeServer.Call;
import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.error.FailureClass;
import io.onegate.providers.contract.TestkitFakeRoundTrips;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.UpstreamRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicAdaptorTest extends TestkitFakeRoundTrips {
  private final AnthropicAdaptor adaptor = new AnthropicAdaptor(ENV);

  @Override
  protected ProviderAdaptor adaptor() {
    return adaptor;
  }
  @Override
  protected io.onegate.testkit.fake.ProviderFake testkitFake() {
    return new io.onegate.testkit.fake.AnthropicFake();
  }


  @Override
  protected int channelType() {
    return 14;
  }

  @Override
  protected String provider() {
    return "anthropic";
  }

  @Override
  protected String model() {
    return "claude-3-5-sonnet-20241022";
  }

  @Override
  protected Expected chat() {
    return new Expected("Hi! My name is Claude.", 2095, 503, "stop");
  }

  @Override
  protected Expected stream() {
    return new Expected("Hello! 你好 👋", 25, 15, "stop");
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(new ErrorCase(400, "error-400.json", FailureClass.BAD_REQUEST),
        new ErrorCase(401, "error-401.json", FailureClass.INVALID_KEY),
        new ErrorCase(402, "error-402.json", FailureClass.QUOTA_EXHAUSTED),
        new ErrorCase(403, "error-403.json", FailureClass.ACCOUNT_DISABLED),
        new ErrorCase(404, "error-404.json", FailureClass.MODEL_UNAVAILABLE),
        new ErrorCase(413, "error-413.json", FailureClass.BAD_REQUEST),
        new ErrorCase(429, "error-429.json", FailureClass.RATE_LIMITED),
        new ErrorCase(500, "error-500.json", FailureClass.TRANSIENT),
        new ErrorCase(529, "error-529.json", FailureClass.TRANSIENT));
  }

  @Override
  protected void verifyMinimalRequest(UpstreamRequest request, JsonObject body, boolean stream) {
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.url()).isEqualTo(PURE_BASE_URL + "/v1/messages");
    assertThat(request.headers()).containsEntry("x-api-key", key()).containsEntry("anthropic-version", "2023-06-01");
    JsonObject expected = new JsonObject().put("model", model()).put("max_tokens", 4096).put("messages",
        new JsonArray().add(new JsonObject().put("role", "user").put("content",
            new JsonArray().add(new JsonObject().put("type", "text").put("text", "Hello")))));
    if (stream) {
      expected.put("stream", true);
    }
    assertThat(body).isEqualTo(expected);
  }

  @Override
  protected void verifyUpstreamCall(Call call, boolean stream) {
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.path()).isEqualTo("/v1/messages");
    assertThat(call.header("x-api-key")).isEqualTo(key());
    assertThat(call.header("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(call.header("content-type")).isEqualTo("application/json");
    JsonObject body = new JsonObject(call.body());
    assertThat(body.getString("model")).isEqualTo(model());
    assertThat(body.getInteger("max_tokens")).isEqualTo(4096);
    assertThat(body.getJsonArray("messages")).hasSize(1);
    assertThat(body.getBoolean("stream", false)).isEqualTo(stream);
  }

  @Test
  void extractsSystemPromptsMergesTurnsAndTranslatesToolsAndImages() {
    JsonObject request = new JsonObject("""
        {"model":"claude","max_tokens":100,"temperature":0.2,"stop":"END","user":"u1",
         "messages":[
          {"role":"system","content":"Be brief."},
          {"role":"developer","content":[{"type":"text","text":"Use metric units."}]},
          {"role":"user","content":[{"type":"text","text":"Weather here?"},
            {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}},
            {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]},
          {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1","type":"function",
            "function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}}]},
          {"role":"tool","tool_call_id":"toolu_1","content":"15 degrees"},
          {"role":"user","content":"Thanks"}],
         "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather",
           "parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}],
         "tool_choice":{"type":"function","function":{"name":"get_weather"}}}""");
    UpstreamRequest upstream = adaptor.request(chatSpec(false), client(request), key());
    JsonObject body = new JsonObject(upstream.body());
    assertThat(body.getString("system")).isEqualTo("Be brief.\nUse metric units.");
    assertThat(body.getInteger("max_tokens")).isEqualTo(100);
    assertThat(body.getJsonArray("stop_sequences")).containsExactly("END");
    assertThat(body.getJsonObject("metadata").getString("user_id")).isEqualTo("u1");
    JsonArray messages = body.getJsonArray("messages");
    assertThat(messages).hasSize(3);
    JsonArray first = messages.getJsonObject(0).getJsonArray("content");
    assertThat(first.getJsonObject(1)).isEqualTo(new JsonObject("""
        {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}}"""));
    assertThat(first.getJsonObject(2).getJsonObject("source").getString("type")).isEqualTo("url");
    assertThat(messages.getJsonObject(1).getJsonArray("content").getJsonObject(0)).isEqualTo(new JsonObject("""
        {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"location":"Paris"}}"""));
    JsonObject toolTurn = messages.getJsonObject(2);
    assertThat(toolTurn.getString("role")).isEqualTo("user");
    assertThat(toolTurn.getJsonArray("content").getJsonObject(0)).isEqualTo(new JsonObject("""
        {"type":"tool_result","tool_use_id":"toolu_1","content":"15 degrees"}"""));
    assertThat(toolTurn.getJsonArray("content").getJsonObject(1).getString("text")).isEqualTo("Thanks");
    assertThat(body.getJsonArray("tools").getJsonObject(0).getJsonObject("input_schema").getString("type"))
        .isEqualTo("object");
    assertThat(body.getJsonObject("tool_choice")).isEqualTo(new JsonObject("{\"type\":\"tool\",\"name\":\"get_weather\"}"));
  }

  @Test
  void translatesToolUseIntoToolCalls() {
    JsonObject body = new JsonObject(adaptor.response(chatSpec(false), cassette("chat-tools.json")));
    JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("finish_reason")).isEqualTo("tool_calls");
    JsonObject call = choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0);
    assertThat(call.getString("id")).isEqualTo("toolu_01A09q90qw90lq917835lq9");
    assertThat(call.getJsonObject("function").getString("name")).isEqualTo("get_weather");
    assertThat(new JsonObject(call.getJsonObject("function").getString("arguments")))
        .isEqualTo(new JsonObject("{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"));
  }

  @Test
  void streamsToolUseAsToolCallDeltas() {
    StreamRun run = runStreamOf("chat-tools-stream.sse");
    List<JsonObject> calls = run.chunks().stream().flatMap(c -> c.getJsonArray("choices").stream())
        .map(JsonObject.class::cast).map(c -> c.getJsonObject("delta"))
        .filter(d -> d != null && d.containsKey("tool_calls"))
        .map(d -> d.getJsonArray("tool_calls").getJsonObject(0)).toList();
    assertThat(calls.get(0).getString("id")).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assertThat(calls.get(0).getJsonObject("function").getString("name")).isEqualTo("get_weather");
    String arguments = calls.stream().map(c -> c.getJsonObject("function").getString("arguments", ""))
        .reduce("", String::concat);
    assertThat(new JsonObject(arguments)).isEqualTo(new JsonObject("{\"location\":\"San Francisco, CA\"}"));
    assertThat(calls).allMatch(c -> c.getInteger("index") == 0);
    assertThat(run.sse()).contains("\"finish_reason\":\"tool_calls\"");
    assertThat(run.translator().usage().promptTokens()).isEqualTo(472);
    assertThat(run.translator().usage().completionTokens()).isEqualTo(89);
  }

  @Test
  void turnsAnInStreamErrorEventIntoAnOpenAiErrorEvent() {
    StreamRun run = runStreamOf("chat-stream-error.sse");
    assertThat(run.translator().failure().failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(run.sse()).contains("\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\"");
  }

  @Test
  void reportsAnErrorCarriedInA2xxBody() {
    assertThat(adaptor.failureInBody(chatSpec(false), cassette("error-529.json")).failureClass())
        .isEqualTo(FailureClass.TRANSIENT);
    assertThat(adaptor.failureInBody(chatSpec(false), Buffer.buffer("<html>")).failureClass())
        .isEqualTo(FailureClass.TRANSIENT);
  }

  private StreamRun runStreamOf(String cassette) {
    return runStream(List.of(cassette(cassette)), true);
  }
}
