package io.onegate.providers.ali;

import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.UpstreamErrors;
import io.vertx.core.json.JsonObject;

/**
 * DashScope errors ({@code {"code":"InvalidApiKey","message":…,"request_id":…}},
 * https://help.aliyun.com/zh/model-studio/developer-reference/error-code) classified by {@code code} (exact
 * codes, then the documented code families such as {@code Throttling.*}), the HTTP status as fallback.
 */
final class AliErrorClassifier {
  private AliErrorClassifier() {
  }

  /** True when a body is a DashScope error (a top-level code and no output). */
  static boolean isError(JsonObject body) {
    return body != null && Json.str(body, "code") != null && !Json.str(body, "code").isEmpty()
        && Json.obj(body, "output") == null;
  }

  static UpstreamFailure classify(int status, JsonObject body) {
    String code = Json.str(body, "code");
    FailureClass byCode = code == null ? null : byCode(code);
    FailureClass failureClass = byCode != null ? byCode
        : status >= 400 ? UpstreamErrors.byStatus(status) : FailureClass.UNKNOWN;
    return UpstreamErrors.failure(failureClass, status, code, Json.str(body, "message"), "ali_error");
  }

  private static FailureClass byCode(String code) {
    switch (code) {
      case "InvalidApiKey":
        return FailureClass.INVALID_KEY;
      case "Arrearage", "AllocationQuota.FreeTierOnly":
        return FailureClass.QUOTA_EXHAUSTED;
      case "AccessDenied", "AccessDenied.Unpurchased", "Workspace.AccessDenied":
        return FailureClass.ACCOUNT_DISABLED;
      case "Model.AccessDenied", "ModelNotFound", "Model.NotFound", "NotFound":
        return FailureClass.MODEL_UNAVAILABLE;
      case "RequestTimeOut":
        return FailureClass.TIMEOUT;
      case "DataInspectionFailed", "data_inspection_failed", "BadRequest.EmptyInput":
        return FailureClass.BAD_REQUEST;
      default:
        break;
    }
    if (code.startsWith("Throttling")) {
      return FailureClass.RATE_LIMITED;
    }
    if (code.startsWith("InvalidParameter") || code.startsWith("BadRequest")) {
      return FailureClass.BAD_REQUEST;
    }
    if (code.startsWith("InternalError") || code.equals("SystemError") || code.equals("ServiceUnavailable")) {
      return FailureClass.TRANSIENT;
    }
    return null;
  }
}
