package io.onegate.providers.baidu;

import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.UpstreamErrors;
import io.vertx.core.json.JsonObject;

/**
 * ERNIE errors: {@code {"error_code":110,"error_msg":"Access token invalid or no longer valid"}}, usually with
 * HTTP 200 (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/tlmyncueh). Classified by {@code error_code}; the HTTP
 * status is the fallback. Stale access tokens (110, 111) are transient: the transport re-exchanges the key
 * ({@link BaiduAccessTokens#invalidates}); a dead key shows up in that exchange.
 */
final class BaiduErrorClassifier {
  private BaiduErrorClassifier() {
  }

  /** True when the body carries an ERNIE error code. */
  static boolean isError(JsonObject body) {
    return body != null && body.getValue("error_code") != null;
  }

  static UpstreamFailure classify(int status, JsonObject body) {
    Object raw = body == null ? null : body.getValue("error_code");
    String code = raw instanceof Number || raw instanceof String ? String.valueOf(raw) : null;
    FailureClass byCode = code == null ? null : byCode(code);
    FailureClass failureClass = byCode != null ? byCode
        : status >= 400 ? UpstreamErrors.byStatus(status) : FailureClass.UNKNOWN;
    return UpstreamErrors.failure(failureClass, status, code, Json.str(body, "error_msg"), "baidu_error");
  }

  private static FailureClass byCode(String code) {
    return switch (code) {
      case "1", "2", "336000", "336100" -> FailureClass.TRANSIENT;
      case "110", "111" -> FailureClass.TRANSIENT; // stale access token: refresh and retry
      case "13", "14", "15" -> FailureClass.INVALID_KEY;
      case "6", "336004" -> FailureClass.ACCOUNT_DISABLED;
      case "17", "19" -> FailureClass.QUOTA_EXHAUSTED;
      case "4", "18", "336501", "336502" -> FailureClass.RATE_LIMITED;
      case "3", "336005" -> FailureClass.MODEL_UNAVAILABLE;
      case "100", "336001", "336002", "336003", "336006", "336007", "336101", "336102", "336103", "336104" ->
          FailureClass.BAD_REQUEST;
      default -> null;
    };
  }
}
