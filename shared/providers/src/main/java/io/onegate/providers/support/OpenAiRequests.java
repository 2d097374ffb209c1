package io.onegate.providers.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading OpenAI chat and embedding requests (https://platform.openai.com/docs/api-reference/chat/create) for
 * the converting adaptors. Lenient: fields of an unexpected type are treated as absent.
 */
public final class OpenAiRequests {
  private OpenAiRequests() {
  }

  /** One content part of a message. */
  public sealed interface Part permits Text, Image {
  }

  public record Text(String text) implements Part {
  }

  /** An {@code image_url} part; {@link #dataUrl()} is non-null when the URL is a base64 {@code data:} URL. */
  public record Image(String url) implements Part {
    public DataUrl dataUrl() {
      return DataUrl.parse(url);
    }
  }

  /** A {@code data:<media type>;base64,<data>} URL. */
  public record DataUrl(String mediaType, String base64) {
    public static DataUrl parse(String url) {
      if (url == null || !url.startsWith("data:")) {
        return null;
      }
      int comma = url.indexOf(',');
      int marker = url.indexOf(";base64");
      if (comma < 0 || marker < 0 || marker > comma) {
        return null;
      }
      String mediaType = url.substring(5, marker);
      return new DataUrl(mediaType.isEmpty() ? "image/png" : mediaType, url.substring(comma + 1));
    }
  }

  public static JsonArray messages(JsonObject request) {
    JsonArray messages = Json.arr(request, "messages");
    return messages == null ? new JsonArray() : messages;
  }

  /** The message's parts: a string content is one text part; unknown part types are skipped. */
  public static List<Part> parts(JsonObject message) {
    Object content = message.getValue("content");
    List<Part> parts = new ArrayList<>();
    if (content instanceof String s) {
      parts.add(new Text(s));
    } else if (content instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        JsonObject part = Json.objAt(array, i);
        String type = Json.str(part, "type", "");
        if (type.equals("text") && Json.str(part, "text") != null) {
          parts.add(new Text(Json.str(part, "text")));
        } else if (type.equals("image_url")) {
          Object image = part.getValue("image_url");
          String url = image instanceof JsonObject o ? Json.str(o, "url") : image instanceof String s ? s : null;
          if (url != null) {
            parts.add(new Image(url));
          }
        }
      }
    }
    return parts;
  }

  /** The text parts of a message joined with newlines ("" when none). */
  public static String text(JsonObject message) {
    StringBuilder out = new StringBuilder();
    for (Part part : parts(message)) {
      if (part instanceof Text t) {
        if (!out.isEmpty()) {
          out.append('\n');
        }
        out.append(t.text());
      }
    }
    return out.toString();
  }

  public static String role(JsonObject message) {
    return Json.str(message, "role", "user");
  }

  /** {@code system} and {@code developer} messages are instructions. */
  public static boolean isSystem(JsonObject message) {
    String role = role(message);
    return role.equals("system") || role.equals("developer");
  }

  /** {@code max_completion_tokens}, else {@code max_tokens}, else null. */
  public static Integer maxTokens(JsonObject request) {
    for (String key : List.of("max_completion_tokens", "max_tokens")) {
      if (request.getValue(key) instanceof Number n && n.intValue() > 0) {
        return n.intValue();
      }
    }
    return null;
  }

  /** {@code stop} as a list (a string is one stop sequence). */
  public static List<String> stops(JsonObject request) {
    List<String> stops = new ArrayList<>();
    Object stop = request.getValue("stop");
    if (stop instanceof String s) {
      stops.add(s);
    } else if (stop instanceof JsonArray array) {
      array.forEach(v -> {
        if (v instanceof String s) {
          stops.add(s);
        }
      });
    }
    return stops;
  }

  /** The {@code function} objects of {@code tools} entries of type function. */
  public static List<JsonObject> functions(JsonObject request) {
    List<JsonObject> functions = new ArrayList<>();
    JsonArray tools = Json.arr(request, "tools");
    if (tools != null) {
      for (int i = 0; i < tools.size(); i++) {
        JsonObject fn = Json.obj(Json.objAt(tools, i), "function");
        if (fn != null && Json.str(fn, "name") != null) {
          functions.add(fn);
        }
      }
    }
    return functions;
  }

  /** The tool calls of an assistant message as (id, name, arguments text). */
  public static List<OpenAiBodies.ToolCall> toolCalls(JsonObject message) {
    List<OpenAiBodies.ToolCall> calls = new ArrayList<>();
    JsonArray array = Json.arr(message, "tool_calls");
    if (array != null) {
      for (int i = 0; i < array.size(); i++) {
        JsonObject call = Json.objAt(array, i);
        JsonObject fn = Json.obj(call, "function");
        if (fn != null) {
          calls.add(new OpenAiBodies.ToolCall(Json.str(call, "id", ""), Json.str(fn, "name", ""),
              Json.str(fn, "arguments", "{}")));
        }
      }
    }
    return calls;
  }

  /** The tool choice: "auto", "none", "required", or the forced function name prefixed by "function:". */
  public static String toolChoice(JsonObject request) {
    Object choice = request.getValue("tool_choice");
    if (choice instanceof String s) {
      return s;
    }
    if (choice instanceof JsonObject o && Json.str(Json.obj(o, "function"), "name") != null) {
      return "function:" + Json.str(Json.obj(o, "function"), "name");
    }
    return null;
  }

  /** Embedding {@code input}: a string or an array of strings (token arrays are not supported). */
  public static List<String> embeddingInputs(JsonObject request) {
    List<String> inputs = new ArrayList<>();
    Object input = request.getValue("input");
    if (input instanceof String s) {
      inputs.add(s);
    } else if (input instanceof JsonArray array) {
      array.forEach(v -> {
        if (v instanceof String s) {
          inputs.add(s);
        }
      });
    }
    return inputs;
  }

  /** A number field copied as is when present. */
  public static void copyNumber(JsonObject from, String key, JsonObject to, String toKey) {
    if (from.getValue(key) instanceof Number n) {
      to.put(toKey, n);
    }
  }
}
