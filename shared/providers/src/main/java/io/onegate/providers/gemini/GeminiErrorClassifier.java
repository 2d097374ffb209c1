package io.onegate.providers.gemini;

import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.UpstreamErrors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Google API errors ({@code {"error":{"code","message","status","details":[{"@type":"…ErrorInfo","reason"}]}}},
 * https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes and https://cloud.google.com/apis/design/errors)
 * classified by {@code ErrorInfo.reason}, then {@code status}, then the HTTP status. An invalid key is a 400
 * {@code INVALID_ARGUMENT} whose reason is {@code API_KEY_INVALID}.
 */
final class GeminiErrorClassifier {
  private GeminiErrorClassifier() {
  }

  /** Accepts the object form and the array form ({@code [{"error":…}]}) some streaming endpoints use. */
  static UpstreamFailure classify(int status, Object body) {
    JsonObject root = body instanceof JsonObject o ? o
        : body instanceof JsonArray a ? Json.objAt(a, 0) : null;
    JsonObject error = Json.obj(root, "error");
    String reason = reason(error);
    String grpcStatus = Json.str(error, "status");
    FailureClass failureClass = byReason(reason);
    if (failureClass == null) {
      failureClass = byGrpcStatus(grpcStatus, status);
    }
    return UpstreamErrors.failure(failureClass, status, reason != null ? reason : grpcStatus,
        Json.str(error, "message"), grpcStatus == null ? null : grpcStatus.toLowerCase(java.util.Locale.ROOT));
  }

  private static String reason(JsonObject error) {
    JsonArray details = Json.arr(error, "details");
    for (int i = 0; details != null && i < details.size(); i++) {
      String reason = Json.str(Json.objAt(details, i), "reason");
      if (reason != null) {
        return reason;
      }
    }
    return null;
  }

  private static FailureClass byReason(String reason) {
    if (reason == null) {
      return null;
    }
    return switch (reason) {
      case "API_KEY_INVALID", "API_KEY_EXPIRED", "API_KEY_SERVICE_BLOCKED" -> FailureClass.INVALID_KEY;
      case "CONSUMER_SUSPENDED", "SERVICE_DISABLED", "BILLING_DISABLED", "ACCESS_TOKEN_SCOPE_INSUFFICIENT" ->
          FailureClass.ACCOUNT_DISABLED;
      case "RATE_LIMIT_EXCEEDED" -> FailureClass.RATE_LIMITED;
      default -> null;
    };
  }

  private static FailureClass byGrpcStatus(String grpcStatus, int status) {
    if (grpcStatus == null) {
      return UpstreamErrors.byStatus(status);
    }
    return switch (grpcStatus) {
      case "UNAUTHENTICATED" -> FailureClass.INVALID_KEY;
      case "PERMISSION_DENIED", "FAILED_PRECONDITION" -> FailureClass.ACCOUNT_DISABLED;
      case "RESOURCE_EXHAUSTED" -> FailureClass.RATE_LIMITED;
      case "NOT_FOUND" -> FailureClass.MODEL_UNAVAILABLE;
      case "INVALID_ARGUMENT", "OUT_OF_RANGE" -> FailureClass.BAD_REQUEST;
      case "DEADLINE_EXCEEDED" -> FailureClass.TIMEOUT;
      case "INTERNAL", "UNAVAILABLE", "UNKNOWN", "ABORTED" -> FailureClass.TRANSIENT;
      default -> UpstreamErrors.byStatus(status);
    };
  }
}
