package io.onegate.providers.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Lenient reading of upstream JSON: every accessor answers null (or 0) instead of throwing when the input is
 * malformed or a field has an unexpected type, because translators must never throw on an upstream's bytes.
 */
public final class Json {
  private Json() {
  }

  /** The parsed object, or null when the bytes are not a JSON object. */
  public static JsonObject object(Buffer body) {
    return body == null ? null : object(body.toString());
  }

  /** The parsed object, or null when the text is not a JSON object. */
  public static JsonObject object(String text) {
    Object value = any(text);
    return value instanceof JsonObject o ? o : null;
  }

  /** A JsonObject, JsonArray, scalar, or null when the text is not JSON. */
  public static Object any(String text) {
    if (text == null) {
      return null;
    }
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      return null;
    }
    try {
      char first = trimmed.charAt(0);
      if (first == '{') {
        return new JsonObject(trimmed);
      }
      if (first == '[') {
        return new JsonArray(trimmed);
      }
      return io.vertx.core.json.Json.decodeValue(trimmed);
    } catch (RuntimeException malformed) {
      return null;
    }
  }

  public static String str(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof String s ? s : null;
  }

  public static String str(JsonObject o, String key, String fallback) {
    String s = str(o, key);
    return s == null ? fallback : s;
  }

  /** A non-negative integral number, or 0 when absent or not a number. */
  public static long num(JsonObject o, String key) {
    if (o != null && o.getValue(key) instanceof Number n) {
      return Math.max(0, n.longValue());
    }
    return 0;
  }

  public static boolean has(JsonObject o, String key) {
    return o != null && o.getValue(key) != null;
  }

  public static boolean bool(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof Boolean b && b;
  }

  public static JsonObject obj(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof JsonObject v ? v : null;
  }

  public static JsonArray arr(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof JsonArray v ? v : null;
  }

  /** The i-th element of an array when it is an object, else null. */
  public static JsonObject objAt(JsonArray a, int i) {
    return a != null && i >= 0 && i < a.size() && a.getValue(i) instanceof JsonObject v ? v : null;
  }

  /** Parses a JSON object given as a string (tool-call arguments); an unparsable text becomes {}. */
  public static JsonObject objectOrEmpty(String text) {
    JsonObject parsed = object(text);
    return parsed == null ? new JsonObject() : parsed;
  }
}
