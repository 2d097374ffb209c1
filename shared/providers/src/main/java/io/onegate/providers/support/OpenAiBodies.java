package io.onegate.providers.support;

import io.onegate.providers.spi.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Builders and readers of OpenAI's non-stream bodies: {@code chat.completion}
 * (https://platform.openai.com/docs/api-reference/chat/object) and the embedding list
 * (https://platform.openai.com/docs/api-reference/embeddings/object).
 */
public final class OpenAiBodies {
  private OpenAiBodies() {
  }

  /** One tool call of an assistant message; {@code arguments} is a JSON text. */
  public record ToolCall(String id, String name, String arguments) {
    JsonObject toJson() {
      return new JsonObject().put("id", id).put("type", "function")
          .put("function", new JsonObject().put("name", name).put("arguments", arguments));
    }
  }

  /** One choice: text content (null when only tool calls), tool calls (possibly empty), finish reason. */
  public record Choice(String content, List<ToolCall> toolCalls, String finishReason) {
    public Choice {
      toolCalls = List.copyOf(toolCalls);
    }
  }

  public static JsonObject completion(String id, long created, String model, List<Choice> choices, Usage usage) {
    JsonArray array = new JsonArray();
    for (int i = 0; i < choices.size(); i++) {
      Choice c = choices.get(i);
      JsonObject message = new JsonObject().put("role", "assistant");
      if (c.content() == null) {
        message.putNull("content");
      } else {
        message.put("content", c.content());
      }
      if (!c.toolCalls().isEmpty()) {
        JsonArray calls = new JsonArray();
        c.toolCalls().forEach(t -> calls.add(t.toJson()));
        message.put("tool_calls", calls);
      }
      array.add(new JsonObject().put("index", i).put("message", message).put("finish_reason", c.finishReason())
          .putNull("logprobs"));
    }
    JsonObject body = new JsonObject().put("id", id).put("object", "chat.completion").put("created", created)
        .put("model", model).put("choices", array);
    if (usage.source() != Usage.Source.NONE) {
      body.put("usage", usageJson(usage));
    }
    return body;
  }

  public static JsonObject usageJson(Usage usage) {
    return new JsonObject().put("prompt_tokens", usage.promptTokens())
        .put("completion_tokens", usage.completionTokens()).put("total_tokens", usage.totalTokens());
  }

  /** OpenAI's embedding list; usage has only prompt and total tokens. */
  public static JsonObject embeddings(String model, List<JsonArray> vectors, Usage usage) {
    JsonArray data = new JsonArray();
    for (int i = 0; i < vectors.size(); i++) {
      data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", vectors.get(i)));
    }
    return new JsonObject().put("object", "list").put("data", data).put("model", model)
        .put("usage", new JsonObject().put("prompt_tokens", usage.promptTokens())
            .put("total_tokens", usage.totalTokens()));
  }

  /**
   * Usage of an OpenAI-shaped body ({@code usage.prompt_tokens/completion_tokens}); {@link Usage#NONE} when the
   * body has no usage object or is not JSON.
   */
  public static Usage usageOf(Buffer openAiBody) {
    JsonObject usage = Json.obj(Json.object(openAiBody), "usage");
    if (usage == null) {
      return Usage.NONE;
    }
    long prompt = Json.num(usage, "prompt_tokens");
    long completion = Json.num(usage, "completion_tokens");
    if (completion == 0 && Json.num(usage, "total_tokens") > prompt) {
      completion = Json.num(usage, "total_tokens") - prompt;
    }
    return new Usage(prompt, completion, Usage.Source.REPORTED);
  }
}
