package io.onegate.providers.transport;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * One upstream exchange whose response head has arrived. The body is paused until the caller consumes it, either
 * whole ({@link #readAll}) or as a stream ({@link #response()} with its own handlers and backpressure).
 * {@link #cancel()} resets the upstream request (closing its connection), which is how client disconnects and the
 * deadline of the exchange ({@link #armDeadline}) reach the provider; {@link #expiredLimit()} then says which limit
 * cut it. Confined to the event loop of the request that opened it.
 */
public final class UpstreamCall {
  private final HttpClientRequest request;
  private final HttpClientResponse response;
  private Vertx vertx;
  private long deadlineTimer = -1;
  private String expiredLimit;
  private boolean done;
  private boolean reset;

  UpstreamCall(HttpClientRequest request, HttpClientResponse response) {
    this.request = request;
    this.response = response;
  }

  /** Resets the exchange at {@code deadlineNanos} ({@link System#nanoTime()}; {@code Long.MAX_VALUE}: never). */
  void armDeadline(Vertx timers, long deadlineNanos, String limit) {
    if (deadlineNanos == UpstreamClient.Limits.NONE) {
      return;
    }
    vertx = timers;
    deadlineTimer = timers.setTimer(UpstreamClient.remainingMillis(deadlineNanos), id -> {
      deadlineTimer = -1;
      if (!done) {
        expiredLimit = limit;
        cancel();
      }
    });
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

  /** The limit whose deadline cut this exchange (its setting's name), or null. */
  public String expiredLimit() {
    return expiredLimit;
  }

  /** Reads the whole body; fails (and resets the call) beyond {@code limit} bytes. */
  public Future<Buffer> readAll(long limit) {
    Promise<Buffer> promise = Promise.promise();
    Buffer acc = Buffer.buffer();
    response.exceptionHandler(err -> {
      finish();
      promise.tryFail(expiredLimit != null ? UpstreamClient.expired(expiredLimit) : err);
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
    if (!reset) {
      reset = true;
      request.reset(0, expiredLimit != null ? UpstreamClient.expired(expiredLimit)
          : new java.util.concurrent.CancellationException("cancelled"));
    }
    finish();
  }

  /** Marks the exchange complete (stops its deadline); call when the body ended or failed. */
  public void finish() {
    if (!done) {
      done = true;
      if (deadlineTimer >= 0) {
        vertx.cancelTimer(deadlineTimer);
        deadlineTimer = -1;
      }
    }
  }
}
