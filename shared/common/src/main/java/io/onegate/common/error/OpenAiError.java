package io.onegate.common.error;

import io.vertx.core.json.JsonObject;

/**
 * OpenAI's error object, the one place it is built: {@code {"message","type","param","code"}}, sent to clients as
 * {@code {"error": {…}}} (https://platform.openai.com/docs/guides/error-codes). The relay's own errors
 * ({@code GatewayError}), classified upstream failures and mid-stream error events are all rendered from it.
 *
 * @param param the offending parameter, or null
 * @param code  a machine-readable code, or null (an empty code is rendered as null)
 */
public record OpenAiError(String message, String type, String param, String code) {

  public OpenAiError {
    message = message == null ? "" : message;
    type = type == null || type.isEmpty() ? "upstream_error" : type;
    code = code == null || code.isEmpty() ? null : code;
  }

  /**
   * Reads an error object leniently (a copy is taken): missing or non-string fields become null, a number code
   * becomes its text.
   */
  public static OpenAiError of(JsonObject inner) {
    return new OpenAiError(text(inner.getValue("message")), text(inner.getValue("type")),
        text(inner.getValue("param")), text(inner.getValue("code")));
  }

  /** The same error with {@code suffix} appended to its message (One API's " (request id: …)"). */
  public OpenAiError withMessageSuffix(String suffix) {
    return new OpenAiError(message + suffix, type, param, code);
  }

  /** The inside object {@code {"message","type","param","code"}}; all four keys are always present. */
  public JsonObject json() {
    return new JsonObject().put("message", message).put("type", type).put("param", param).put("code", code);
  }

  /** The whole body {@code {"error": {…}}}. */
  public JsonObject body() {
    return new JsonObject().put("error", json());
  }

  private static String text(Object v) {
    return v == null ? null : String.valueOf(v);
  }
}
