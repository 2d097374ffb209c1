package io.onegate.providers.openai;

import io.onegate.common.error.FailureClass;
import io.onegate.common.error.OpenAiError;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.support.UpstreamErrors;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Classifies OpenAI-shaped error answers from the status and the structured {@code error.type}/{@code error.code}
 * fields (never from message text), and builds the client's error object. Pure and thread-safe.
 */
public final class OpenAiErrors {
  private OpenAiErrors() {
  }

  public static UpstreamFailure classify(int status, Buffer body) {
    JsonObject error = errorObject(body);
    String code = error == null ? "" : text(error.getValue("code"));
    String type = error == null ? "" : text(error.getValue("type"));
    FailureClass failure = classOf(status, code, type);
    String errorCode = !code.isEmpty() ? code : type;
    return new UpstreamFailure(failure, status, errorCode, clientError(status, error));
  }

  static FailureClass classOf(int status, String code, String type) {
    if ("insufficient_quota".equals(code) || "insufficient_quota".equals(type) || "billing_not_active".equals(code)) {
      return FailureClass.QUOTA_EXHAUSTED;
    }
    if ("invalid_api_key".equals(code) || "authentication_error".equals(type)) {
      return FailureClass.INVALID_KEY;
    }
    if ("account_deactivated".equals(code) || "permission_error".equals(type)) {
      return FailureClass.ACCOUNT_DISABLED;
    }
    if ("model_not_found".equals(code) || "DeploymentNotFound".equals(code)) {
      return FailureClass.MODEL_UNAVAILABLE;
    }
    if ("context_length_exceeded".equals(code) || "content_filter".equals(code)
        || "content_policy_violation".equals(code)) {
      return FailureClass.BAD_REQUEST;
    }
    return UpstreamErrors.byStatus(status);
  }

  /** The upstream's own error object when it has a message, else One API's {@code bad_response_status_code}. */
  static JsonObject clientError(int status, JsonObject upstream) {
    if (upstream != null && upstream.getValue("message") instanceof String message && !message.isEmpty()) {
      return OpenAiError.of(upstream).json();
    }
    return new OpenAiError("bad response status code " + status, "upstream_error", Integer.toString(status),
        "bad_response_status_code").json();
  }

  /** {@code error} of an OpenAI error body (or the body itself when it is a bare error object), else null. */
  static JsonObject errorObject(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      JsonObject json = body.toJsonObject();
      Object error = json.getValue("error");
      if (error instanceof JsonObject e) {
        return e;
      }
      if (error instanceof String s) {
        return new JsonObject().put("message", s);
      }
      return json.containsKey("message") ? json : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String text(Object v) {
    return v == null ? "" : String.valueOf(v);
  }
}
