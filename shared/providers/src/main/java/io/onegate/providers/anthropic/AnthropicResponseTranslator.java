package io.onegate.providers.anthropic;

import io.onegate.providers.spi.Usage;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.OpenAiBodies;
import io.onegate.providers.support.OpenAiBodies.ToolCall;
import io.onegate.providers.support.TranslationEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic Message (https://docs.anthropic.com/en/api/messages, "Response") → OpenAI {@code chat.completion}.
 * Text blocks are concatenated, {@code tool_use} blocks become {@code tool_calls}, thinking blocks are dropped.
 */
final class AnthropicResponseTranslator {
  private AnthropicResponseTranslator() {
  }

  static JsonObject translate(JsonObject message, String fallbackModel, TranslationEnv env) {
    StringBuilder text = new StringBuilder();
    List<ToolCall> calls = new ArrayList<>();
    JsonArray content = Json.arr(message, "content");
    for (int i = 0; content != null && i < content.size(); i++) {
      JsonObject block = Json.objAt(content, i);
      String type = Json.str(block, "type", "");
      if (type.equals("text")) {
        text.append(Json.str(block, "text", ""));
      } else if (type.equals("tool_use")) {
        JsonObject input = Json.obj(block, "input");
        calls.add(new ToolCall(Json.str(block, "id", env.toolCallId()), Json.str(block, "name", ""),
            (input == null ? new JsonObject() : input).encode()));
      }
    }
    String finish = finishReason(Json.str(message, "stop_reason"));
    OpenAiBodies.Choice choice = new OpenAiBodies.Choice(
        text.isEmpty() && !calls.isEmpty() ? null : text.toString(), calls, finish);
    return OpenAiBodies.completion(Json.str(message, "id", env.completionId()), env.epochSeconds(),
        Json.str(message, "model", fallbackModel), List.of(choice), usage(Json.obj(message, "usage")));
  }

  /** Prompt tokens include cache writes and reads (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching). */
  static Usage usage(JsonObject usage) {
    if (usage == null) {
      return Usage.NONE;
    }
    long prompt = Json.num(usage, "input_tokens") + Json.num(usage, "cache_creation_input_tokens")
        + Json.num(usage, "cache_read_input_tokens");
    return new Usage(prompt, Json.num(usage, "output_tokens"), Usage.Source.REPORTED);
  }

  /** https://docs.anthropic.com/en/api/handling-stop-reasons */
  static String finishReason(String stopReason) {
    if (stopReason == null) {
      return "stop";
    }
    return switch (stopReason) {
      case "max_tokens" -> "length";
      case "tool_use" -> "tool_calls";
      case "refusal" -> "content_filter";
      default -> "stop"; // end_turn, stop_sequence, pause_turn
    };
  }
}
