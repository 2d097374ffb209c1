package io.onegate.providers.spi;

import io.onegate.common.error.FailureClass;
import io.vertx.core.json.JsonObject;

/**
 * A classified upstream failure: the class (drives retry and channel health), the status to show the client, the
 * upstream's structured error code (for the health worker), the OpenAI-shaped error object for the client, and how
 * long the upstream asked to wait before the next request (0 when it did not say).
 *
 * @param clientError      {@code {"message","type","param","code"}} (the inside of {@code {"error": …}})
 * @param retryAfterMillis the upstream's {@code retry-after-ms} / {@code retry-after} (seconds), 0 when absent
 */
public record UpstreamFailure(FailureClass failureClass, int httpStatus, String errorCode, JsonObject clientError,
                              long retryAfterMillis) {

  /** A failure without a retry-after. */
  public UpstreamFailure(FailureClass failureClass, int httpStatus, String errorCode, JsonObject clientError) {
    this(failureClass, httpStatus, errorCode, clientError, 0);
  }

  public UpstreamFailure withRetryAfter(long millis) {
    return new UpstreamFailure(failureClass, httpStatus, errorCode, clientError, Math.max(0, millis));
  }
}
