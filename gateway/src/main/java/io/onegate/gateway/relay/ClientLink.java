package io.onegate.gateway.relay;

import io.vertx.core.http.HttpServerResponse;

/**
 * The client side of one request: its response and whether the client went away. The current upstream attempt
 * registers a cancel action, run at once when the client's connection closes. Event-loop confined.
 */
final class ClientLink {
  private final HttpServerResponse response;
  private boolean closed;
  private Runnable onClose;

  ClientLink(HttpServerResponse response) {
    this.response = response;
    response.closeHandler(v -> {
      closed = true;
      Runnable action = onClose;
      onClose = null;
      if (action != null) {
        action.run();
      }
    });
  }

  HttpServerResponse response() {
    return response;
  }

  boolean closed() {
    return closed || response.closed();
  }

  /** Runs {@code action} when the client disconnects (at once if it already has); replaces the previous one. */
  void onClose(Runnable action) {
    if (closed()) {
      action.run();
    } else {
      onClose = action;
    }
  }

  void clearOnClose() {
    onClose = null;
  }
}
