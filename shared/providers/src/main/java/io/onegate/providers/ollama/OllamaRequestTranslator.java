package io.onegate.providers.ollama;

import io.onegate.providers.support.Json;
import io.onegate.providers.support.OpenAiBodies.ToolCall;
import io.onegate.providers.support.OpenAiRequests;
import io.onegate.providers.support.OpenAiRequests.DataUrl;
import io.onegate.providers.support.OpenAiRequests.Image;
import io.onegate.providers.support.OpenAiRequests.Part;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat/embedding requests → Ollama's {@code /api/chat} and {@code /api/embed}
 * (https://github.com/ollama/ollama/blob/main/docs/api.md). Images must be base64 in {@code images}; only
 * {@code data:} URLs are sent (the gateway never fetches URLs), others are dropped. Sampling parameters go in
 * {@code options}. Pure and stateless.
 */
final class OllamaRequestTranslator {
  private OllamaRequestTranslator() {
  }

  static JsonObject chat(JsonObject request, String model, boolean stream) {
    JsonArray messages = new JsonArray();
    Map<String, String> toolNames = new HashMap<>();
    JsonArray openAi = OpenAiRequests.messages(request);
    for (int i = 0; i < openAi.size(); i++) {
      JsonObject message = Json.objAt(openAi, i);
      if (message != null) {
        messages.add(message(message, toolNames));
      }
    }
    // stream must always be explicit: Ollama streams by default
    JsonObject body = new JsonObject().put("model", model).put("messages", messages).put("stream", stream);
    JsonObject options = new JsonObject();
    OpenAiRequests.copyNumber(request, "temperature", options, "temperature");
    OpenAiRequests.copyNumber(request, "top_p", options, "top_p");
    OpenAiRequests.copyNumber(request, "top_k", options, "top_k");
    OpenAiRequests.copyNumber(request, "seed", options, "seed");
    OpenAiRequests.copyNumber(request, "frequency_penalty", options, "frequency_penalty");
    OpenAiRequests.copyNumber(request, "presence_penalty", options, "presence_penalty");
    Integer maxTokens = OpenAiRequests.maxTokens(request);
    if (maxTokens != null) {
      options.put("num_predict", maxTokens);
    }
    List<String> stops = OpenAiRequests.stops(request);
    if (!stops.isEmpty()) {
      options.put("stop", new JsonArray(List.copyOf(stops)));
    }
    if (!options.isEmpty()) {
      body.put("options", options);
    }
    JsonArray tools = Json.arr(request, "tools");
    if (tools != null && !tools.isEmpty()) {
      body.put("tools", tools.copy()); // Ollama accepts OpenAI's tool objects
    }
    String format = Json.str(Json.obj(request, "response_format"), "type");
    if ("json_object".equals(format)) {
      body.put("format", "json");
    }
    return body;
  }

  private static JsonObject message(JsonObject message, Map<String, String> toolNames) {
    String role = OpenAiRequests.role(message);
    JsonObject out = new JsonObject().put("role", role.equals("developer") ? "system" : role)
        .put("content", OpenAiRequests.text(message));
    JsonArray images = new JsonArray();
    for (Part part : OpenAiRequests.parts(message)) {
      if (part instanceof Image image) {
        DataUrl data = image.dataUrl();
        if (data != null) {
          images.add(data.base64());
        }
      }
    }
    if (!images.isEmpty()) {
      out.put("images", images);
    }
    List<ToolCall> calls = OpenAiRequests.toolCalls(message);
    if (!calls.isEmpty()) {
      JsonArray toolCalls = new JsonArray();
      for (ToolCall call : calls) {
        toolNames.put(call.id(), call.name());
        toolCalls.add(new JsonObject().put("function", new JsonObject().put("name", call.name())
            .put("arguments", Json.objectOrEmpty(call.arguments()))));
      }
      out.put("tool_calls", toolCalls);
    }
    if (role.equals("tool") && toolNames.containsKey(Json.str(message, "tool_call_id", ""))) {
      out.put("tool_name", toolNames.get(message.getString("tool_call_id")));
    }
    return out;
  }

  static JsonObject embed(JsonObject request, String model) {
    JsonObject body = new JsonObject().put("model", model)
        .put("input", new JsonArray(new java.util.ArrayList<Object>(OpenAiRequests.embeddingInputs(request))));
    OpenAiRequests.copyNumber(request, "dimensions", body, "dimensions");
    return body;
  }
}
