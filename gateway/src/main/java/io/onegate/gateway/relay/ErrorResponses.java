package io.onegate.gateway.relay;

import io.onegate.common.error.FailureClass;
import io.onegate.common.error.OpenAiError;
import io.onegate.providers.spi.UpstreamFailure;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes error answers of the relay in OpenAI's shape ({@link OpenAiError}); the message ends with One API's
 * "(request id: …)" suffix. An error no retry can fix carries {@code x-should-retry: false} (OpenAI's SDKs then make
 * no second attempt; whether an error is final is {@link GatewayError}'s table, or for an upstream failure its
 * {@link FailureClass}); an upstream that asked for a pause passes its {@code retry-after} on. Writes nothing when
 * the response has already started.
 */
public final class ErrorResponses {
  /** The header OpenAI's SDKs obey over their own status rules ("true" / "false"). */
  public static final String SHOULD_RETRY = "x-should-retry";

  private ErrorResponses() {
  }

  public static void write(HttpServerResponse response, String requestId, GatewayError error, Object... args) {
    write(response, requestId, error.status(), error.error(args), error.retryable(), 0);
  }

  /**
   * The answer of a final upstream failure: the upstream's status and error object; final when its class says the
   * same request fails everywhere (a client 400); with the upstream's {@code retry-after} when it sent one.
   */
  public static void write(HttpServerResponse response, String requestId, UpstreamFailure failure) {
    write(response, requestId, failure.httpStatus(), OpenAiError.of(failure.clientError()),
        failure.failureClass() != FailureClass.BAD_REQUEST, failure.retryAfterMillis());
  }

  private static void write(HttpServerResponse response, String requestId, int status, OpenAiError error,
                            boolean retryable, long retryAfterMillis) {
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    if (!retryable) {
      response.putHeader(SHOULD_RETRY, "false");
    }
    if (retryAfterMillis > 0) {
      response.putHeader("retry-after", Long.toString((retryAfterMillis + 999) / 1000))
          .putHeader("retry-after-ms", Long.toString(retryAfterMillis));
    }
    response.setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(error.withMessageSuffix(" (request id: " + requestId + ")").body().toBuffer());
  }
}
