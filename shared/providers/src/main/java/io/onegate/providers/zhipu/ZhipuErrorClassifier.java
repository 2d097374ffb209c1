package io.onegate.providers.zhipu;

import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.UpstreamErrors;
import io.vertx.core.json.JsonObject;

/**
 * Zhipu business error codes ({@code {"error":{"code":"1113","message":…}}},
 * https://open.bigmodel.cn/dev/api/error-code/service-error, English copy https://docs.z.ai/api-reference/api-code).
 * The code decides; the HTTP status is the fallback (Zhipu uses 429 for both throttling and arrears).
 */
final class ZhipuErrorClassifier {
  private ZhipuErrorClassifier() {
  }

  static UpstreamFailure classify(int status, JsonObject body) {
    JsonObject error = Json.obj(body, "error");
    Object rawCode = error == null ? null : error.getValue("code");
    String code = rawCode instanceof String || rawCode instanceof Number ? String.valueOf(rawCode) : null;
    FailureClass byCode = code == null ? null : byCode(code);
    return UpstreamErrors.failure(byCode == null ? UpstreamErrors.byStatus(status) : byCode, status, code,
        Json.str(error, "message"), "zhipu_error");
  }

  private static FailureClass byCode(String code) {
    return switch (code) {
      case "1000", "1001", "1002", "1004", "1111" -> FailureClass.INVALID_KEY;
      case "1003" -> FailureClass.TRANSIENT; // our JWT lapsed: re-sign (see ZhipuJwtCredentials#invalidates)
      case "1110", "1112", "1120", "1121", "1220" -> FailureClass.ACCOUNT_DISABLED;
      case "1113", "1304", "1308" -> FailureClass.QUOTA_EXHAUSTED;
      case "1302", "1303", "1305" -> FailureClass.RATE_LIMITED;
      case "1211", "1221", "1222" -> FailureClass.MODEL_UNAVAILABLE;
      case "1210", "1212", "1213", "1214", "1215", "1261", "1300", "1301" -> FailureClass.BAD_REQUEST;
      case "500", "1200", "1230", "1234" -> FailureClass.TRANSIENT;
      default -> null;
    };
  }
}
