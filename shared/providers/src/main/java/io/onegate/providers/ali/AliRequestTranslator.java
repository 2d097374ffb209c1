package io.onegate.providers.ali;

import io.onegate.providers.support.Json;
import io.onegate.providers.support.OpenAiRequests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * OpenAI requests → DashScope native bodies: text generation
 * (https://help.aliyun.com/zh/model-studio/developer-reference/use-qwen-by-calling-api, "DashScope") and text
 * embedding (https://help.aliyun.com/zh/model-studio/developer-reference/text-embedding-synchronous-api).
 * {@code result_format=message} gives OpenAI-like choices; streams ask for {@code incremental_output}. A model
 * name ending in {@code -internet} enables search on the base model (One API's convention). Pure and stateless.
 */
final class AliRequestTranslator {
  static final String INTERNET_SUFFIX = "-internet";

  private AliRequestTranslator() {
  }

  static String upstreamModel(String model) {
    return model.endsWith(INTERNET_SUFFIX) ? model.substring(0, model.length() - INTERNET_SUFFIX.length()) : model;
  }

  static JsonObject generation(JsonObject request, String model, boolean stream) {
    JsonArray messages = new JsonArray();
    JsonArray openAi = OpenAiRequests.messages(request);
    for (int i = 0; i < openAi.size(); i++) {
      JsonObject message = Json.objAt(openAi, i);
      if (message == null) {
        continue;
      }
      String role = OpenAiRequests.role(message);
      JsonObject out = new JsonObject().put("role", role.equals("developer") ? "system" : role)
          .put("content", OpenAiRequests.text(message));
      JsonArray toolCalls = Json.arr(message, "tool_calls");
      if (toolCalls != null) {
        out.put("tool_calls", toolCalls.copy());
      }
      if (Json.str(message, "tool_call_id") != null) {
        out.put("tool_call_id", message.getString("tool_call_id"));
      }
      if (Json.str(message, "name") != null) {
        out.put("name", message.getString("name"));
      }
      messages.add(out);
    }
    JsonObject parameters = new JsonObject().put("result_format", "message");
    if (stream) {
      parameters.put("incremental_output", true);
    }
    Integer maxTokens = OpenAiRequests.maxTokens(request);
    if (maxTokens != null) {
      parameters.put("max_tokens", maxTokens);
    }
    OpenAiRequests.copyNumber(request, "temperature", parameters, "temperature");
    OpenAiRequests.copyNumber(request, "top_p", parameters, "top_p");
    OpenAiRequests.copyNumber(request, "top_k", parameters, "top_k");
    OpenAiRequests.copyNumber(request, "seed", parameters, "seed");
    OpenAiRequests.copyNumber(request, "presence_penalty", parameters, "presence_penalty");
    List<String> stops = OpenAiRequests.stops(request);
    if (!stops.isEmpty()) {
      parameters.put("stop", new JsonArray(List.copyOf(stops)));
    }
    if (model.endsWith(INTERNET_SUFFIX)) {
      parameters.put("enable_search", true);
    }
    JsonArray tools = Json.arr(request, "tools");
    if (tools != null && !tools.isEmpty()) {
      parameters.put("tools", tools.copy()); // DashScope takes OpenAI's tool objects
      Object choice = request.getValue("tool_choice");
      if (choice != null) {
        parameters.put("tool_choice", choice instanceof JsonObject o ? o.copy() : choice);
      }
    }
    return new JsonObject().put("model", upstreamModel(model)).put("input", new JsonObject().put("messages", messages))
        .put("parameters", parameters);
  }

  static JsonObject embedding(JsonObject request, String model) {
    JsonObject parameters = new JsonObject().put("text_type", "query");
    OpenAiRequests.copyNumber(request, "dimensions", parameters, "dimension");
    return new JsonObject().put("model", model)
        .put("input", new JsonObject().put("texts",
            new JsonArray(new java.util.ArrayList<Object>(OpenAiRequests.embeddingInputs(request)))))
        .put("parameters", parameters);
  }
}
