package io.onegate.providers.transport;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * One upstream exchange whose response head has arrived. The body is paused until the caller consumes it, either
 * whole ({@link #readAll}) or as a stream ({@link #response()} with its own handlers and backpressure).
 * {@link #cancel()} resets the upstream request (closing its connection), which is how client disconnects and the
 * RELAY_TIMEOUT reach the provider. Confined to the event loop of the request that opened it.
 */
public final class UpstreamCall {
  private final HttpClientRequest request;
  private final HttpClientResponse response;
  private final Runnable onDone;
  private boolean done;
  private boolean reset;

  UpstreamCall(HttpClientRequest request, HttpClientResponse response, Runnable onDone) {
    this.request = request;
    this.response = response;
    this.onDone = onDone;
  }

  public int status() {
    return response.statusCode();
  }

  public MultiMap headers() {
    return response.headers();
  }

  /** The paused response stream: set handlers, then {@code resume()}. */
  public HttpClientResponse response() {
    return response;
  }

  /** Reads the whole body; fails (and resets the call) beyond {@code limit} bytes. */
  public Future<Buffer> readAll(long limit) {
    Promise<Buffer> promise = Promise.promise();
    Buffer acc = Buffer.buffer();
    response.exceptionHandler(err -> {
      finish();
      promise.tryFail(err);
    });
    response.handler(chunk -> {
      if (acc.length() + chunk.length() > limit) {
        cancel();
        promise.tryFail(new IllegalStateException("upstream body larger than " + limit + " bytes"));
        return;
      }
      acc.appendBuffer(chunk);
    });
    response.endHandler(v -> {
      finish();
      promise.tryComplete(acc);
    });
    response.resume();
    return promise.future();
  }

  /** Resets the upstream request (closing its connection); idempotent. Call only while the response is open. */
  public void cancel() {
    finish();
    if (!reset) {
      reset = true;
      request.reset();
    }
  }

  /** Marks the exchange complete (stops its RELAY_TIMEOUT timer); call when the body ended or failed. */
  public void finish() {
    if (!done) {
      done = true;
      onDone.run();
    }
  }
}
