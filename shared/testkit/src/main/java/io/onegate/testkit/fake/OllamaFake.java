package io.onegate.testkit.fake;

import io.onegate.testkit.fake.FakeServer.Answer;
import io.onegate.testkit.fake.FakeServer.Call;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Ollama's native API (https://github.com/ollama/ollama/blob/main/docs/api.md): {@code POST /api/chat} (streams
 * NDJSON unless {@code "stream": false}, so a gateway must always say) and {@code POST /api/embed}. Tool calls
 * carry arguments as JSON objects; a tool result is a {@code tool} message after the assistant's
 * {@code tool_calls}. No authentication.
 */
public final class OllamaFake extends ProviderFake {
  public OllamaFake() {
    super("ollama");
  }

  @Override
  public String key() {
    return "";
  }

  @Override
  public Expected chat() {
    return new Expected("Hello! How are you today?", 26, 298);
  }

  @Override
  public Expected stream() {
    return new Expected("The sky is blue — 蓝色。", 26, 282);
  }

  @Override
  public ToolCall toolCall() {
    return new ToolCall("get_current_weather", "Paris, FR", null);
  }

  /** Streamed tool calls arrive whole in one NDJSON line (https://ollama.com/blog/streaming-tool). */
  @Override
  public boolean streamsToolCalls() {
    return true;
  }

  @Override
  public int embeddings() {
    return 2;
  }

  @Override
  public long embeddingPromptTokens() {
    return 8;
  }

  @Override
  protected JsonObject errorBody(int status, String message) {
    return new JsonObject().put("error", message);
  }

  @Override
  protected Answer answer(Call call) {
    JsonObject body = call.json();
    if (!"POST".equals(call.method()) || body == null || !(body.getValue("model") instanceof String)) {
      return reject("expected a POST with a JSON body naming the model");
    }
    if (call.path().equals("/api/embed")) {
      return body.getValue("input") != null ? json("embeddings.json") : reject("embed needs input");
    }
    if (!call.path().equals("/api/chat")) {
      return reject("unexpected path " + call.path());
    }
    if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
      return reject("chat needs messages");
    }
    if (!Boolean.FALSE.equals(body.getValue("stream"))) {
      if (!Boolean.TRUE.equals(body.getValue("stream"))) {
        problems().add("stream not set: Ollama streams NDJSON by default");
      }
      boolean tools = declaresFunction(body.getValue("tools"), toolCall().name());
      return Answer.chunked(200, "application/x-ndjson",
          cassette(tools ? "chat-tools-stream.ndjson" : "chat-stream.ndjson"), 7);
    }
    JsonObject last = messages.getJsonObject(messages.size() - 1);
    if ("tool".equals(last.getString("role"))) {
      String problem = openAiToolResultProblem(messages, toolCall(), false);
      if (problem == null) {
        Object arguments = messages.getJsonObject(messages.size() - 2).getJsonArray("tool_calls").getJsonObject(0)
            .getJsonObject("function").getValue("arguments");
        problem = arguments instanceof JsonObject ? null : "tool call arguments must be an object: " + arguments;
      }
      return problem == null ? json("chat.json") : reject(problem);
    }
    if (body.getValue("tools") != null) {
      return declaresFunction(body.getValue("tools"), toolCall().name()) ? json("chat-tools.json")
          : reject("tools do not declare " + toolCall().name());
    }
    return json("chat.json");
  }
}
