package io.onegate.testkit.fake;

import io.onegate.testkit.fake.FakeServer.Answer;
import io.onegate.testkit.fake.FakeServer.Call;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Alibaba DashScope native API
 * (https://help.aliyun.com/zh/model-studio/developer-reference/use-qwen-by-calling-api):
 * {@code /api/v1/services/aigc/text-generation/generation} with {@code Authorization: Bearer}, body
 * {@code {model, input:{messages}, parameters}}; streaming needs {@code X-DashScope-SSE: enable} (and the fake's
 * cassettes are incremental, so {@code incremental_output} must be true); tool calls need
 * {@code result_format=message}. Embeddings at {@code /api/v1/services/embeddings/text-embedding/text-embedding}.
 */
public final class AliFake extends ProviderFake {
  public AliFake() {
    super("ali");
  }

  @Override
  public String key() {
    return "sk-fakeDashScopeKey0123456789";
  }

  @Override
  public Expected chat() {
    return new Expected("我是通义千问，由阿里云开发的AI助手。", 22, 16);
  }

  @Override
  public Expected stream() {
    return new Expected("我是通义千问。", 22, 5);
  }

  @Override
  public ToolCall toolCall() {
    return new ToolCall("get_current_weather", "杭州", "call_1e45f3a8b3a44e1fa5d7ba");
  }

  @Override
  public int embeddings() {
    return 2;
  }

  @Override
  public long embeddingPromptTokens() {
    return 12;
  }

  @Override
  protected JsonObject errorBody(int status, String message) {
    return new JsonObject().put("code", "InvalidParameter").put("message", message)
        .put("request_id", "fake-request");
  }

  @Override
  protected Answer answer(Call call) {
    if (!isBearer(call, key())) {
      return unauthorized("expected Authorization: Bearer <channel key>");
    }
    JsonObject body = call.json();
    if (!"POST".equals(call.method()) || body == null || !(body.getValue("model") instanceof String)) {
      return reject("expected a POST with a JSON body naming the model");
    }
    JsonObject input = body.getJsonObject("input");
    if (call.path().equals("/api/v1/services/embeddings/text-embedding/text-embedding")) {
      return input != null && input.getValue("texts") instanceof JsonArray texts && !texts.isEmpty()
          ? json("embeddings.json") : reject("embeddings need input.texts");
    }
    if (!call.path().equals("/api/v1/services/aigc/text-generation/generation")) {
      return reject("unexpected path " + call.path());
    }
    if (input == null || !(input.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
      return reject("input.messages is required");
    }
    JsonObject parameters = body.getJsonObject("parameters", new JsonObject());
    if (!"message".equals(parameters.getString("result_format"))) {
      return reject("parameters.result_format must be message for chat choices");
    }
    boolean sse = "enable".equals(call.header("x-dashscope-sse"));
    if (sse) {
      return Boolean.TRUE.equals(parameters.getValue("incremental_output"))
          ? streamAnswer(declaresFunction(parameters.getValue("tools"), toolCall().name()), "chat-stream.sse")
          : reject("streams must set parameters.incremental_output");
    }
    JsonObject last = messages.getJsonObject(messages.size() - 1);
    if ("tool".equals(last.getString("role"))) {
      String problem = openAiToolResultProblem(messages, toolCall(), false);
      return problem == null ? json("chat.json") : reject(problem);
    }
    if (parameters.getValue("tools") != null) {
      return declaresFunction(parameters.getValue("tools"), toolCall().name()) ? json("chat-tools.json")
          : reject("parameters.tools do not declare " + toolCall().name());
    }
    return json("chat.json");
  }
}
