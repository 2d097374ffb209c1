package io.onegate.providers.anthropic;

import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.UpstreamErrors;
import io.vertx.core.json.JsonObject;

/**
 * Anthropic errors ({@code {"type":"error","error":{"type","message"}}}, https://docs.anthropic.com/en/api/errors)
 * classified by {@code error.type}, falling back to the status.
 */
final class AnthropicErrorClassifier {
  private AnthropicErrorClassifier() {
  }

  static UpstreamFailure classify(int status, JsonObject body) {
    JsonObject error = Json.obj(body, "error");
    String type = Json.str(error, "type");
    FailureClass failureClass = type == null ? UpstreamErrors.byStatus(status) : switch (type) {
      case "authentication_error" -> FailureClass.INVALID_KEY;
      case "permission_error" -> FailureClass.ACCOUNT_DISABLED;
      case "billing_error" -> FailureClass.QUOTA_EXHAUSTED;
      case "not_found_error" -> FailureClass.MODEL_UNAVAILABLE;
      case "rate_limit_error" -> FailureClass.RATE_LIMITED;
      case "api_error", "overloaded_error" -> FailureClass.TRANSIENT;
      case "timeout_error" -> FailureClass.TIMEOUT;
      case "invalid_request_error", "request_too_large" -> FailureClass.BAD_REQUEST;
      default -> UpstreamErrors.byStatus(status);
    };
    return UpstreamErrors.failure(failureClass, status, type, Json.str(error, "message"), type);
  }
}
