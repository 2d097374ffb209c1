package io.onegate.providers.ali;

import io.onegate.providers.spi.Usage;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.OpenAiBodies;
import io.onegate.providers.support.OpenAiRequests;
import io.onegate.providers.support.TranslationEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * DashScope answers → OpenAI: {@code output.choices[].message} (or the older {@code output.text}),
 * {@code finish_reason} ("null" while generating), usage {@code input_tokens}/{@code output_tokens}; embeddings
 * {@code output.embeddings[].text_index/embedding}.
 */
final class AliResponseTranslator {
  private AliResponseTranslator() {
  }

  static JsonObject chat(JsonObject body, String model, TranslationEnv env) {
    JsonObject output = Json.obj(body, "output");
    List<OpenAiBodies.Choice> choices = new ArrayList<>();
    JsonArray array = Json.arr(output, "choices");
    for (int i = 0; array != null && i < array.size(); i++) {
      JsonObject choice = Json.objAt(array, i);
      JsonObject message = Json.obj(choice, "message");
      var calls = OpenAiRequests.toolCalls(message == null ? new JsonObject() : message);
      String content = message == null ? "" : OpenAiRequests.text(message);
      choices.add(new OpenAiBodies.Choice(content.isEmpty() && !calls.isEmpty() ? null : content, calls,
          finishReason(Json.str(choice, "finish_reason"), !calls.isEmpty())));
    }
    if (choices.isEmpty()) {
      choices.add(new OpenAiBodies.Choice(Json.str(output, "text", ""), List.of(),
          finishReason(Json.str(output, "finish_reason"), false)));
    }
    return OpenAiBodies.completion(Json.str(body, "request_id", env.completionId()), env.epochSeconds(), model,
        choices, usage(body));
  }

  static Usage usage(JsonObject body) {
    JsonObject usage = Json.obj(body, "usage");
    if (usage == null) {
      return Usage.NONE;
    }
    long input = Json.num(usage, "input_tokens");
    long output = Json.num(usage, "output_tokens");
    if (output == 0 && Json.num(usage, "total_tokens") > input) {
      output = Json.num(usage, "total_tokens") - input;
    }
    return new Usage(input, output, Usage.Source.REPORTED);
  }

  /** Null while the choice is unfinished (DashScope sends the string "null"). */
  static String finishReason(String reason, boolean calledTools) {
    if (reason == null || reason.isEmpty() || reason.equals("null")) {
      return calledTools ? "tool_calls" : null;
    }
    return switch (reason) {
      case "length" -> "length";
      case "tool_calls" -> "tool_calls";
      default -> calledTools ? "tool_calls" : "stop";
    };
  }

  static JsonObject embeddings(JsonObject body, String model) {
    JsonArray embeddings = Json.arr(Json.obj(body, "output"), "embeddings");
    List<JsonArray> vectors = new ArrayList<>();
    for (int i = 0; embeddings != null && i < embeddings.size(); i++) {
      vectors.add(new JsonArray());
    }
    for (int i = 0; embeddings != null && i < embeddings.size(); i++) {
      JsonObject item = Json.objAt(embeddings, i);
      int index = item != null && item.getValue("text_index") instanceof Number n ? n.intValue() : i;
      JsonArray vector = Json.arr(item, "embedding");
      if (index >= 0 && index < vectors.size() && vector != null) {
        vectors.set(index, vector);
      }
    }
    long tokens = Json.num(Json.obj(body, "usage"), "total_tokens");
    return OpenAiBodies.embeddings(model, vectors, new Usage(tokens, 0, Usage.Source.REPORTED));
  }
}
