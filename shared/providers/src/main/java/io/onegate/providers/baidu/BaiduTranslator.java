package io.onegate.providers.baidu;

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
 * OpenAI ↔ ERNIE (wenxinworkshop) bodies: chat (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/clntwmv7t) and
 * embeddings (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/alj562vvu). ERNIE wants alternating user/assistant
 * turns and the instructions in {@code system}; images and tool calls are not part of the legacy API, so
 * only text is sent. Pure and stateless.
 */
final class BaiduTranslator {
  private BaiduTranslator() {
  }

  static JsonObject chatRequest(JsonObject request, boolean stream) {
    JsonObject body = new JsonObject();
    StringBuilder system = new StringBuilder();
    JsonArray messages = new JsonArray();
    JsonArray openAi = OpenAiRequests.messages(request);
    for (int i = 0; i < openAi.size(); i++) {
      JsonObject message = Json.objAt(openAi, i);
      if (message == null) {
        continue;
      }
      String text = OpenAiRequests.text(message);
      if (OpenAiRequests.isSystem(message)) {
        system.append(system.isEmpty() ? "" : "\n").append(text);
        continue;
      }
      String role = OpenAiRequests.role(message).equals("assistant") ? "assistant" : "user";
      JsonObject last = Json.objAt(messages, messages.size() - 1);
      if (last != null && role.equals(last.getString("role"))) {
        last.put("content", last.getString("content") + "\n" + text);
      } else {
        messages.add(new JsonObject().put("role", role).put("content", text));
      }
    }
    body.put("messages", messages);
    if (!system.isEmpty()) {
      body.put("system", system.toString());
    }
    OpenAiRequests.copyNumber(request, "temperature", body, "temperature");
    OpenAiRequests.copyNumber(request, "top_p", body, "top_p");
    OpenAiRequests.copyNumber(request, "frequency_penalty", body, "penalty_score");
    Integer maxTokens = OpenAiRequests.maxTokens(request);
    if (maxTokens != null) {
      body.put("max_output_tokens", maxTokens);
    }
    List<String> stops = OpenAiRequests.stops(request);
    if (!stops.isEmpty()) {
      body.put("stop", new JsonArray(List.copyOf(stops)));
    }
    String user = Json.str(request, "user");
    if (user != null) {
      body.put("user_id", user);
    }
    if (stream) {
      body.put("stream", true);
    }
    return body;
  }

  static JsonObject embeddingRequest(JsonObject request) {
    return new JsonObject().put("input", new JsonArray(new ArrayList<Object>(OpenAiRequests.embeddingInputs(request))));
  }

  static JsonObject chatResponse(JsonObject body, String model, TranslationEnv env) {
    String finish = finishReason(Json.str(body, "finish_reason"), Json.bool(body, "is_truncated"));
    OpenAiBodies.Choice choice = new OpenAiBodies.Choice(Json.str(body, "result", ""), List.of(), finish);
    return OpenAiBodies.completion(Json.str(body, "id", env.completionId()), env.epochSeconds(), model,
        List.of(choice), usage(body));
  }

  static JsonObject embeddingResponse(JsonObject body, String model) {
    List<JsonArray> vectors = new ArrayList<>();
    JsonArray data = Json.arr(body, "data");
    for (int i = 0; data != null && i < data.size(); i++) {
      JsonArray vector = Json.arr(Json.objAt(data, i), "embedding");
      vectors.add(vector == null ? new JsonArray() : vector);
    }
    return OpenAiBodies.embeddings(model, vectors, usage(body));
  }

  static Usage usage(JsonObject body) {
    JsonObject usage = Json.obj(body, "usage");
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

  static String finishReason(String reason, boolean truncated) {
    if (reason == null) {
      return truncated ? "length" : "stop";
    }
    return switch (reason) {
      case "length" -> "length";
      case "content_filter" -> "content_filter";
      case "function_call" -> "tool_calls";
      default -> truncated ? "length" : "stop"; // "normal", "stop"
    };
  }
}
