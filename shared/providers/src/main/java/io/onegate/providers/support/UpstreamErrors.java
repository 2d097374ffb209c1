package io.onegate.providers.support;

import io.onegate.common.error.FailureClass;
import io.onegate.common.error.OpenAiError;
import io.onegate.providers.spi.UpstreamFailure;
import io.vertx.core.MultiMap;

/**
 * The status-code half of error classification (used when the upstream gives no structured code; the one
 * status table) and classified failures carrying an {@link OpenAiError} for the client.
 */
public final class UpstreamErrors {
  private UpstreamErrors() {
  }

  /** Classification by HTTP status alone. */
  public static FailureClass byStatus(int status) {
    return switch (status) {
      case 400, 413, 415, 422 -> FailureClass.BAD_REQUEST;
      case 401 -> FailureClass.INVALID_KEY;
      case 402 -> FailureClass.QUOTA_EXHAUSTED;
      case 403 -> FailureClass.ACCOUNT_DISABLED;
      case 404 -> FailureClass.MODEL_UNAVAILABLE;
      case 408, 504, 524 -> FailureClass.TIMEOUT;
      case 429 -> FailureClass.RATE_LIMITED;
      default -> status >= 500 ? FailureClass.TRANSIENT : FailureClass.UNKNOWN;
    };
  }

  /**
   * The status shown to the client: the upstream's own error status (One API passes it through), or for errors
   * carried in a 2xx body a status that matches the class.
   */
  public static int clientStatus(int upstreamStatus, FailureClass failureClass) {
    if (upstreamStatus >= 400) {
      return upstreamStatus;
    }
    return switch (failureClass) {
      case INVALID_KEY -> 401;
      case ACCOUNT_DISABLED -> 403;
      case QUOTA_EXHAUSTED, RATE_LIMITED -> 429;
      case MODEL_UNAVAILABLE -> 404;
      case BAD_REQUEST -> 400;
      case TIMEOUT -> 504;
      default -> 500;
    };
  }

  /**
   * A classified failure with an OpenAI-shaped client error. A null or empty message becomes One API's
   * "bad response status code N"; a null type becomes {@code upstream_error}.
   */
  public static UpstreamFailure failure(FailureClass failureClass, int upstreamStatus, String code, String message,
                                        String type) {
    String text = message == null || message.isBlank() ? "bad response status code " + upstreamStatus : message;
    return new UpstreamFailure(failureClass, clientStatus(upstreamStatus, failureClass), code,
        new OpenAiError(text, type, null, code).json());
  }

  /**
   * {@code failure} with the wait the upstream asked for in {@code headers}: {@code retry-after-ms} (Azure OpenAI,
   * OpenAI) or {@code retry-after} in seconds (RFC 9110; the HTTP-date form is not read: the health worker's default
   * cool-down applies). Every adaptor's {@code classify} passes its answer through here.
   */
  public static UpstreamFailure withRetryAfter(UpstreamFailure failure, MultiMap headers) {
    long millis = retryAfterMillis(headers);
    return millis > 0 ? failure.withRetryAfter(millis) : failure;
  }

  /** The wait in {@code headers} in milliseconds, 0 when absent or unreadable. */
  public static long retryAfterMillis(MultiMap headers) {
    if (headers == null) {
      return 0;
    }
    long millis = seconds(headers.get("retry-after-ms"), 1);
    return millis > 0 ? millis : seconds(headers.get("retry-after"), 1000);
  }

  private static long seconds(String value, long scale) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      double parsed = Double.parseDouble(value.trim());
      return parsed > 0 && parsed < 1e9 ? (long) Math.ceil(parsed * scale) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A 2xx answer whose body cannot be read: transient (another channel or a retry may answer properly). */
  public static UpstreamFailure malformed(int upstreamStatus) {
    return failure(FailureClass.TRANSIENT, upstreamStatus, "malformed_upstream_response",
        "upstream returned an unreadable response", "upstream_error");
  }
}
