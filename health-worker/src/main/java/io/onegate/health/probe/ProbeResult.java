package io.onegate.health.probe;

import io.onegate.common.error.FailureClass;
import java.util.Objects;

/**
 * The answer of one channel probe (a minimal real chat completion).
 *
 * @param latencyMillis time from sending to the complete answer (or to the failure)
 * @param failureClass  {@link FailureClass#NONE} on success, else the class derived from status and structured error
 * @param httpStatus    upstream status, 0 when no response arrived
 * @param errorCode     upstream {@code error.code} (or {@code error.type}), empty when none
 * @param message       the reply text on success, else a short error description (never a credential)
 */
public record ProbeResult(boolean success, long latencyMillis, FailureClass failureClass, int httpStatus,
                          String errorCode, String message) {

  public ProbeResult {
    Objects.requireNonNull(failureClass, "failureClass");
    errorCode = errorCode == null ? "" : errorCode;
    message = message == null ? "" : message;
    if (success != (failureClass == FailureClass.NONE)) {
      throw new IllegalArgumentException("success must match failureClass NONE, got " + failureClass);
    }
  }

  public static ProbeResult ok(long latencyMillis, int httpStatus, String reply) {
    return new ProbeResult(true, latencyMillis, FailureClass.NONE, httpStatus, "", reply);
  }

  public static ProbeResult failed(long latencyMillis, FailureClass failureClass, int httpStatus, String errorCode,
                                   String message) {
    return new ProbeResult(false, latencyMillis, failureClass, httpStatus, errorCode, message);
  }
}
