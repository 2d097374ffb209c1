package io.onegate.providers.anthropic;

import io.onegate.providers.support.Json;
import io.onegate.providers.support.OpenAiBodies.ToolCall;
import io.onegate.providers.support.OpenAiRequests;
import io.onegate.providers.support.OpenAiRequests.DataUrl;
import io.onegate.providers.support.OpenAiRequests.Image;
import io.onegate.providers.support.OpenAiRequests.Part;
import io.onegate.providers.support.OpenAiRequests.Text;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * OpenAI chat request → Anthropic Messages request (https://docs.anthropic.com/en/api/messages). System and
 * developer messages become {@code system}; tool results become user {@code tool_result} blocks; consecutive
 * messages of one role are merged (the API wants alternating turns). Pure and stateless.
 */
final class AnthropicRequestTranslator {
  /** One API's default when the client sends no max_tokens (Anthropic requires the field). */
  static final int DEFAULT_MAX_TOKENS = 4096;

  private AnthropicRequestTranslator() {
  }

  static JsonObject translate(JsonObject request, String model, boolean stream) {
    JsonObject body = new JsonObject().put("model", model);
    Integer maxTokens = OpenAiRequests.maxTokens(request);
    body.put("max_tokens", maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens);
    StringBuilder system = new StringBuilder();
    JsonArray messages = new JsonArray();
    JsonArray openAiMessages = OpenAiRequests.messages(request);
    for (int i = 0; i < openAiMessages.size(); i++) {
      JsonObject message = Json.objAt(openAiMessages, i);
      if (message == null) {
        continue;
      }
      if (OpenAiRequests.isSystem(message)) {
        if (!system.isEmpty()) {
          system.append('\n');
        }
        system.append(OpenAiRequests.text(message));
        continue;
      }
      String role = OpenAiRequests.role(message).equals("assistant") ? "assistant" : "user";
      append(messages, role, blocks(message));
    }
    if (!system.isEmpty()) {
      body.put("system", system.toString());
    }
    body.put("messages", messages);
    OpenAiRequests.copyNumber(request, "temperature", body, "temperature");
    OpenAiRequests.copyNumber(request, "top_p", body, "top_p");
    OpenAiRequests.copyNumber(request, "top_k", body, "top_k");
    List<String> stops = OpenAiRequests.stops(request);
    if (!stops.isEmpty()) {
      body.put("stop_sequences", new JsonArray(List.copyOf(stops)));
    }
    if (stream) {
      body.put("stream", true);
    }
    tools(request, body);
    String user = Json.str(request, "user");
    if (user != null) {
      body.put("metadata", new JsonObject().put("user_id", user));
    }
    return body;
  }

  private static JsonArray blocks(JsonObject message) {
    JsonArray blocks = new JsonArray();
    String role = OpenAiRequests.role(message);
    if (role.equals("tool")) {
      blocks.add(new JsonObject().put("type", "tool_result").put("tool_use_id", Json.str(message, "tool_call_id", ""))
          .put("content", OpenAiRequests.text(message)));
      return blocks;
    }
    for (Part part : OpenAiRequests.parts(message)) {
      if (part instanceof Text t && !t.text().isEmpty()) {
        blocks.add(new JsonObject().put("type", "text").put("text", t.text()));
      } else if (part instanceof Image image) {
        blocks.add(image(image));
      }
    }
    for (ToolCall call : OpenAiRequests.toolCalls(message)) {
      blocks.add(new JsonObject().put("type", "tool_use").put("id", call.id()).put("name", call.name())
          .put("input", Json.objectOrEmpty(call.arguments())));
    }
    return blocks;
  }

  /** data: URLs become base64 sources; other URLs become URL sources (never fetched by the gateway). */
  private static JsonObject image(Image image) {
    DataUrl data = image.dataUrl();
    JsonObject source = data != null
        ? new JsonObject().put("type", "base64").put("media_type", data.mediaType()).put("data", data.base64())
        : new JsonObject().put("type", "url").put("url", image.url());
    return new JsonObject().put("type", "image").put("source", source);
  }

  private static void append(JsonArray messages, String role, JsonArray blocks) {
    if (blocks.isEmpty()) {
      return;
    }
    JsonObject last = Json.objAt(messages, messages.size() - 1);
    if (last != null && role.equals(last.getString("role"))) {
      last.getJsonArray("content").addAll(blocks);
    } else {
      messages.add(new JsonObject().put("role", role).put("content", blocks));
    }
  }

  private static void tools(JsonObject request, JsonObject body) {
    List<JsonObject> functions = OpenAiRequests.functions(request);
    if (functions.isEmpty()) {
      return;
    }
    JsonArray tools = new JsonArray();
    for (JsonObject fn : functions) {
      JsonObject schema = Json.obj(fn, "parameters");
      JsonObject tool = new JsonObject().put("name", fn.getString("name"))
          .put("input_schema", schema == null ? new JsonObject().put("type", "object") : schema);
      String description = Json.str(fn, "description");
      if (description != null) {
        tool.put("description", description);
      }
      tools.add(tool);
    }
    body.put("tools", tools);
    String choice = OpenAiRequests.toolChoice(request);
    if (choice == null) {
      return;
    }
    // https://docs.anthropic.com/en/docs/build-with-claude/tool-use#forcing-tool-use
    switch (choice) {
      case "auto" -> body.put("tool_choice", new JsonObject().put("type", "auto"));
      case "required" -> body.put("tool_choice", new JsonObject().put("type", "any"));
      case "none" -> body.put("tool_choice", new JsonObject().put("type", "none"));
      default -> {
        if (choice.startsWith("function:")) {
          body.put("tool_choice", new JsonObject().put("type", "tool").put("name", choice.substring(9)));
        }
      }
    }
  }
}
