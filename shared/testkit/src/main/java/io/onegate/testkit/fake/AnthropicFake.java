package io.onegate.testkit.fake;

import io.onegate.testkit.fake.FakeServer.Answer;
import io.onegate.testkit.fake.FakeServer.Call;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Anthropic Messages API (https://docs.anthropic.com/en/api/messages): {@code POST /v1/messages} with
 * {@code x-api-key} and {@code anthropic-version}; {@code model} and {@code max_tokens} required; turns alternate
 * user/assistant starting with user; system text only in {@code system}; content blocks; tool results as
 * {@code tool_result} blocks whose {@code tool_use_id} links to the previous assistant turn's {@code tool_use}.
 */
public final class AnthropicFake extends ProviderFake {
  public AnthropicFake() {
    super("anthropic");
  }

  @Override
  public String key() {
    return "sk-ant-api03-fakeAnthropicKey0123456789";
  }

  @Override
  public Expected chat() {
    return new Expected("Hi! My name is Claude.", 2095, 503);
  }

  @Override
  public Expected stream() {
    return new Expected("Hello! 你好 👋", 25, 15);
  }

  @Override
  public ToolCall toolCall() {
    return new ToolCall("get_weather", "San Francisco, CA", "toolu_01A09q90qw90lq917835lq9");
  }

  @Override
  protected JsonObject errorBody(int status, String message) {
    return new JsonObject().put("type", "error").put("error", new JsonObject()
        .put("type", "invalid_request_error").put("message", message));
  }

  @Override
  protected Answer answer(Call call) {
    if (!"POST".equals(call.method()) || !"/v1/messages".equals(call.path())) {
      return reject("unexpected " + call.method() + " " + call.path());
    }
    if (!key().equals(call.header("x-api-key"))) {
      return unauthorized("expected x-api-key: <channel key>");
    }
    if (call.header("anthropic-version") == null || !call.header("anthropic-version").matches("\\d{4}-\\d{2}-\\d{2}")) {
      return reject("anthropic-version header missing");
    }
    JsonObject body = call.json();
    if (body == null || !(body.getValue("model") instanceof String) || !(body.getValue("max_tokens") instanceof Number)) {
      return reject("model and max_tokens are required");
    }
    if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
      return reject("messages: at least one message is required");
    }
    String expected = "user";
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = messages.getJsonObject(i);
      if (!expected.equals(message.getString("role"))) {
        return reject("messages." + i + ": roles must alternate user/assistant starting with user");
      }
      if (!(message.getValue("content") instanceof JsonArray) && !(message.getValue("content") instanceof String)) {
        return reject("messages." + i + ".content must be text or blocks");
      }
      expected = expected.equals("user") ? "assistant" : "user";
    }
    if (body.getValue("system") != null && !(body.getValue("system") instanceof String)
        && !(body.getValue("system") instanceof JsonArray)) {
      return reject("system must be text or blocks");
    }
    if (Boolean.TRUE.equals(body.getValue("stream"))) {
      return streamAnswer(body.getValue("tools") instanceof JsonArray t && !t.isEmpty(), "chat-stream.sse");
    }
    JsonObject last = messages.getJsonObject(messages.size() - 1);
    JsonObject result = block(last, "tool_result");
    if (result != null) {
      JsonObject use = messages.size() < 2 ? null : block(messages.getJsonObject(messages.size() - 2), "tool_use");
      if (use == null || !toolCall().id().equals(use.getString("id"))
          || !toolCall().id().equals(result.getString("tool_use_id"))) {
        return reject("tool_result.tool_use_id does not link to the previous tool_use block");
      }
      if (!(use.getValue("input") instanceof JsonObject)) {
        return reject("tool_use.input must be an object");
      }
      return json("chat.json");
    }
    if (body.getValue("tools") instanceof JsonArray tools) {
      boolean declared = tools.stream().anyMatch(t -> t instanceof JsonObject o
          && toolCall().name().equals(o.getString("name")) && o.getValue("input_schema") instanceof JsonObject);
      return declared ? json("chat-tools.json") : reject("tools do not declare " + toolCall().name());
    }
    return json("chat.json");
  }

  private static JsonObject block(JsonObject message, String type) {
    if (message.getValue("content") instanceof JsonArray blocks) {
      for (Object b : blocks) {
        if (b instanceof JsonObject o && type.equals(o.getString("type"))) {
          return o;
        }
      }
    }
    return null;
  }
}
