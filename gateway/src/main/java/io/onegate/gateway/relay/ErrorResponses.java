package io.onegate.gateway.relay;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Writes OpenAI-shaped error bodies; the message ends with One API's "(request id: …)" suffix. */
public final class ErrorResponses {
  private ErrorResponses() {
  }

  public static void write(HttpServerResponse response, String requestId, GatewayError error, Object... args) {
    JsonObject body = new JsonObject().put("message", error.message(args)).put("type", error.type())
        .put("param", null).put("code", error.code().isEmpty() ? null : error.code());
    write(response, requestId, error.status(), body);
  }

  /** {@code error} is the inside object {@code {"message","type","param","code"}}; a copy is written. */
  public static void write(HttpServerResponse response, String requestId, int status, JsonObject error) {
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    JsonObject inner = error.copy();
    String message = inner.getValue("message") instanceof String s ? s : "";
    inner.put("message", message + " (request id: " + requestId + ")");
    for (String f : new String[] {"type", "param", "code"}) {
      if (!inner.containsKey(f)) {
        inner.putNull(f);
      }
    }
    response.setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", inner).toBuffer());
  }
}
