package io.onegate.providers.gemini;

import io.onegate.providers.support.Json;
import io.onegate.providers.support.OpenAiBodies.ToolCall;
import io.onegate.providers.support.OpenAiRequests;
import io.onegate.providers.support.OpenAiRequests.DataUrl;
import io.onegate.providers.support.OpenAiRequests.Image;
import io.onegate.providers.support.OpenAiRequests.Part;
import io.onegate.providers.support.OpenAiRequests.Text;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat/embedding requests → Gemini {@code GenerateContentRequest}
 * (https://ai.google.dev/api/generate-content#request-body) and {@code BatchEmbedContentsRequest}
 * (https://ai.google.dev/api/embeddings#method:-models.batchembedcontents). Pure and stateless.
 */
final class GeminiRequestTranslator {
  /** https://ai.google.dev/gemini-api/docs/safety-settings */
  private static final List<String> SAFETY_CATEGORIES = List.of("HARM_CATEGORY_HARASSMENT",
      "HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_SEXUALLY_EXPLICIT", "HARM_CATEGORY_DANGEROUS_CONTENT",
      "HARM_CATEGORY_CIVIC_INTEGRITY");

  private GeminiRequestTranslator() {
  }

  static JsonObject chat(JsonObject request, String safetyThreshold) {
    JsonObject body = new JsonObject();
    StringBuilder system = new StringBuilder();
    JsonArray contents = new JsonArray();
    Map<String, String> toolNames = new HashMap<>();
    JsonArray messages = OpenAiRequests.messages(request);
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = Json.objAt(messages, i);
      if (message == null) {
        continue;
      }
      if (OpenAiRequests.isSystem(message)) {
        system.append(system.isEmpty() ? "" : "\n").append(OpenAiRequests.text(message));
        continue;
      }
      String role = OpenAiRequests.role(message).equals("assistant") ? "model" : "user";
      append(contents, role, parts(message, toolNames));
    }
    if (!system.isEmpty()) {
      body.put("systemInstruction", new JsonObject().put("parts",
          new JsonArray().add(new JsonObject().put("text", system.toString()))));
    }
    body.put("contents", contents);
    JsonObject config = generationConfig(request);
    if (!config.isEmpty()) {
      body.put("generationConfig", config);
    }
    tools(request, body);
    if (safetyThreshold != null && !safetyThreshold.isBlank()) {
      JsonArray safety = new JsonArray();
      SAFETY_CATEGORIES.forEach(c -> safety.add(new JsonObject().put("category", c).put("threshold", safetyThreshold)));
      body.put("safetySettings", safety);
    }
    return body;
  }

  static JsonObject embeddings(JsonObject request, String model) {
    JsonArray requests = new JsonArray();
    Integer dimensions = request.getValue("dimensions") instanceof Number n ? n.intValue() : null;
    for (String input : OpenAiRequests.embeddingInputs(request)) {
      JsonObject item = new JsonObject().put("model", "models/" + model).put("content",
          new JsonObject().put("parts", new JsonArray().add(new JsonObject().put("text", input))));
      if (dimensions != null) {
        item.put("outputDimensionality", dimensions);
      }
      requests.add(item);
    }
    return new JsonObject().put("requests", requests);
  }

  private static JsonArray parts(JsonObject message, Map<String, String> toolNames) {
    JsonArray parts = new JsonArray();
    if (OpenAiRequests.role(message).equals("tool")) {
      // https://ai.google.dev/gemini-api/docs/function-calling: the result goes back as a functionResponse
      String name = toolNames.getOrDefault(Json.str(message, "tool_call_id", ""), Json.str(message, "name", ""));
      String text = OpenAiRequests.text(message);
      JsonObject parsed = Json.object(text);
      parts.add(new JsonObject().put("functionResponse", new JsonObject().put("name", name)
          .put("response", parsed != null ? parsed : new JsonObject().put("content", text))));
      return parts;
    }
    for (Part part : OpenAiRequests.parts(message)) {
      if (part instanceof Text t && !t.text().isEmpty()) {
        parts.add(new JsonObject().put("text", t.text()));
      } else if (part instanceof Image image) {
        DataUrl data = image.dataUrl();
        parts.add(data != null
            ? new JsonObject().put("inlineData", new JsonObject().put("mimeType", data.mediaType())
                .put("data", data.base64()))
            : new JsonObject().put("fileData", new JsonObject().put("mimeType", mimeOf(image.url()))
                .put("fileUri", image.url())));
      }
    }
    for (ToolCall call : OpenAiRequests.toolCalls(message)) {
      toolNames.put(call.id(), call.name());
      parts.add(new JsonObject().put("functionCall", new JsonObject().put("name", call.name())
          .put("args", Json.objectOrEmpty(call.arguments()))));
    }
    return parts;
  }

  private static String mimeOf(String url) {
    String lower = url.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".png")) {
      return "image/png";
    }
    if (lower.endsWith(".webp")) {
      return "image/webp";
    }
    return lower.endsWith(".gif") ? "image/gif" : "image/jpeg";
  }

  private static void append(JsonArray contents, String role, JsonArray parts) {
    if (parts.isEmpty()) {
      return;
    }
    JsonObject last = Json.objAt(contents, contents.size() - 1);
    if (last != null && role.equals(last.getString("role"))) {
      last.getJsonArray("parts").addAll(parts);
    } else {
      contents.add(new JsonObject().put("role", role).put("parts", parts));
    }
  }

  private static JsonObject generationConfig(JsonObject request) {
    JsonObject config = new JsonObject();
    OpenAiRequests.copyNumber(request, "temperature", config, "temperature");
    OpenAiRequests.copyNumber(request, "top_p", config, "topP");
    OpenAiRequests.copyNumber(request, "top_k", config, "topK");
    OpenAiRequests.copyNumber(request, "n", config, "candidateCount");
    OpenAiRequests.copyNumber(request, "seed", config, "seed");
    OpenAiRequests.copyNumber(request, "presence_penalty", config, "presencePenalty");
    OpenAiRequests.copyNumber(request, "frequency_penalty", config, "frequencyPenalty");
    Integer maxTokens = OpenAiRequests.maxTokens(request);
    if (maxTokens != null) {
      config.put("maxOutputTokens", maxTokens);
    }
    List<String> stops = OpenAiRequests.stops(request);
    if (!stops.isEmpty()) {
      config.put("stopSequences", new JsonArray(List.copyOf(stops)));
    }
    String format = Json.str(Json.obj(request, "response_format"), "type");
    if ("json_object".equals(format) || "json_schema".equals(format)) {
      config.put("responseMimeType", "application/json");
    }
    return config;
  }

  private static void tools(JsonObject request, JsonObject body) {
    List<JsonObject> functions = OpenAiRequests.functions(request);
    if (functions.isEmpty()) {
      return;
    }
    JsonArray declarations = new JsonArray();
    for (JsonObject fn : functions) {
      JsonObject declaration = new JsonObject().put("name", fn.getString("name"));
      if (Json.str(fn, "description") != null) {
        declaration.put("description", fn.getString("description"));
      }
      JsonObject parameters = Json.obj(fn, "parameters");
      if (parameters != null && Json.obj(parameters, "properties") != null
          && !Json.obj(parameters, "properties").isEmpty()) {
        declaration.put("parameters", cleanSchema(parameters));
      }
      declarations.add(declaration);
    }
    body.put("tools", new JsonArray().add(new JsonObject().put("functionDeclarations", declarations)));
    String choice = OpenAiRequests.toolChoice(request);
    if (choice == null) {
      return;
    }
    // https://ai.google.dev/api/caching#FunctionCallingConfig
    JsonObject calling = switch (choice) {
      case "none" -> new JsonObject().put("mode", "NONE");
      case "required" -> new JsonObject().put("mode", "ANY");
      case "auto" -> new JsonObject().put("mode", "AUTO");
      default -> new JsonObject().put("mode", "ANY")
          .put("allowedFunctionNames", new JsonArray().add(choice.substring("function:".length())));
    };
    body.put("toolConfig", new JsonObject().put("functionCallingConfig", calling));
  }

  /** Gemini's OpenAPI-subset schema rejects {@code $schema} and {@code additionalProperties}. */
  private static JsonObject cleanSchema(JsonObject schema) {
    JsonObject copy = new JsonObject();
    schema.forEach(e -> {
      if (e.getKey().equals("$schema") || e.getKey().equals("additionalProperties")) {
        return;
      }
      Object value = e.getValue();
      if (value instanceof JsonObject o) {
        value = cleanSchema(o);
      } else if (value instanceof JsonArray a) {
        JsonArray cleaned = new JsonArray();
        a.forEach(v -> cleaned.add(v instanceof JsonObject o ? cleanSchema(o) : v));
        value = cleaned;
      }
      copy.put(e.getKey(), value);
    });
    return copy;
  }
}
