package io.onegate.gateway.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * A strictly typed view of a JSON request body: unknown fields are ignored, a known field of the wrong type is
 * refused with a message naming it. {@code null} counts as absent. Text PostgreSQL cannot store — a NUL character
 * or an unpaired UTF-16 surrogate ({@code "\ud800"}), anywhere in the body, names included — is refused here for
 * every route ({@link #checkText}); bytes that are not UTF-8 are malformed JSON.
 */
public final class Body {
  private final JsonObject json;

  private Body(JsonObject json) {
    this.json = json;
  }

  /** Parses a request body; anything but a JSON object is a 400. */
  public static Body parse(Buffer buffer) {
    if (buffer == null || buffer.length() == 0) {
      throw ApiException.badRequest("the request body must be a JSON object");
    }
    Object value;
    try {
      value = Json.decodeValue(buffer);
    } catch (DecodeException | IllegalArgumentException e) {
      throw ApiException.badRequest("malformed JSON in the request body");
    }
    if (!(value instanceof JsonObject object)) {
      throw ApiException.badRequest("the request body must be a JSON object");
    }
    checkTree(object, "");
    return new Body(object);
  }

  private static void checkTree(Object value, String path) {
    if (value instanceof JsonObject object) {
      for (var field : object) {
        String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        checkText(field.getKey(), at + " (a field name)");
        checkTree(field.getValue(), at);
      }
    } else if (value instanceof io.vertx.core.json.JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        checkTree(array.getValue(i), path + "[" + i + "]");
      }
    } else if (value instanceof String text) {
      checkText(text, path);
    }
  }

  /**
   * Refuses text PostgreSQL would refuse (SQLSTATE 22021): a NUL character or an unpaired surrogate. {@code what}
   * names where it came from.
   */
  public static String checkText(String text, String what) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        throw ApiException.badRequest(abbreviate(what) + " contains a NUL character (\\u0000), which cannot be stored");
      }
      if (Character.isSurrogate(c)) {
        boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(i + 1));
        if (!paired) {
          throw ApiException.badRequest(abbreviate(what) + " contains invalid text (an unpaired UTF-16 surrogate)");
        }
        i++;
      }
    }
    return text;
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  public static Body of(JsonObject json) {
    return new Body(json);
  }

  public boolean has(String field) {
    return json.getValue(field) != null;
  }

  /** A string field of at most {@code maxLength} characters. */
  public Optional<String> string(String field, int maxLength) {
    Object v = json.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw ApiException.badRequest(field + " must be a string");
    }
    if (s.length() > maxLength) {
      throw ApiException.badRequest(field + " is too long (at most " + maxLength + " characters)");
    }
    return Optional.of(s);
  }

  public String requiredString(String field, int maxLength) {
    String s = string(field, maxLength).orElse("");
    if (s.isBlank()) {
      throw ApiException.badRequest(field + " is required");
    }
    return s;
  }

  /** An integer field within [{@code min}, {@code max}]; fractions, strings and out-of-range numbers are refused. */
  public Optional<Long> integer(String field, long min, long max) {
    Object v = json.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    long value;
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      value = ((Number) v).longValue();
    } else if (v instanceof java.math.BigInteger) {
      throw ApiException.badRequest(field + " is out of range");
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      if (d != Math.rint(d) || Double.isInfinite(d) || Math.abs(d) > 9.0e15) {
        throw ApiException.badRequest(field + " must be an integer");
      }
      value = (long) d;
    } else {
      throw ApiException.badRequest(field + " must be an integer");
    }
    if (value < min || value > max) {
      throw ApiException.badRequest(field + " must be between " + min + " and " + max);
    }
    return Optional.of(value);
  }

  public long requiredInteger(String field, long min, long max) {
    return integer(field, min, max).orElseThrow(() -> ApiException.badRequest(field + " is required"));
  }

  public Optional<Boolean> bool(String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Boolean b)) {
      throw ApiException.badRequest(field + " must be true or false");
    }
    return Optional.of(b);
  }

  /** The raw value (for fields accepting several types, e.g. option values). */
  public Object raw(String field) {
    return json.getValue(field);
  }
}
