package io.onegate.gateway.relay;

import io.onegate.common.error.OpenAiError;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Writes error answers of the relay in OpenAI's shape ({@link OpenAiError}); the message ends with One API's
 * "(request id: …)" suffix. Writes nothing when the response has already started.
 */
public final class ErrorResponses {
  private ErrorResponses() {
  }

  public static void write(HttpServerResponse response, String requestId, GatewayError error, Object... args) {
    write(response, requestId, error.status(), error.error(args));
  }

  /** {@code error} is the inside object {@code {"message","type","param","code"}} (of an upstream failure). */
  public static void write(HttpServerResponse response, String requestId, int status, JsonObject error) {
    write(response, requestId, status, OpenAiError.of(error));
  }

  private static void write(HttpServerResponse response, String requestId, int status, OpenAiError error) {
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(error.withMessageSuffix(" (request id: " + requestId + ")").body().toBuffer());
  }
}
