package io.onegate.gateway.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * A strictly typed view of a JSON request body: unknown fields are ignored, a known field of the wrong type is
 * refused with a message naming it. {@code null} counts as absent.
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
    return new Body(object);
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
