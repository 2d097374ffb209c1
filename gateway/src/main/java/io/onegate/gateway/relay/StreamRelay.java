package io.onegate.gateway.relay;

import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.Framing;
import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.Usage;
import io.onegate.providers.sse.NdjsonParser;
import io.onegate.providers.sse.SseEvent;
import io.onegate.providers.sse.SseParser;
import io.onegate.providers.transport.UpstreamCall;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Relays one successful streamed upstream answer to the client.
 *
 * <p>Pass-through (OpenAI dialect): every upstream buffer is written to the client as it arrives, unchanged (no
 * re-chunking), and fed to an SSE parser only to observe usage and detect {@code [DONE]}. Translated dialects:
 * frames are parsed (SSE or NDJSON) and the translator's output is written. Either way: client headers are sent
 * with the first upstream bytes (so a failure before them can still be retried), the upstream is paused while the
 * client's write queue is full and resumed on drain, {@code data: [DONE]} ends every successful stream, a client
 * disconnect resets the upstream at once, and an upstream failure after bytes were delivered ends the client
 * stream with an error event and no {@code [DONE]}.
 *
 * <p>Billing rule (documented in docs): delivered → billed on the upstream's usage chunk, else on the prompt
 * estimate plus the tokens of the delivered text; nothing delivered → nothing billed.
 */
final class StreamRelay {
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
  private static final int MAX_LINE = 16 * 1024 * 1024;

  private final ClientLink client;
  private final UpstreamCall call;
  private final StreamTranslator translator;
  private final boolean passThrough;
  private final Framing framing;
  private final Function<StreamTranslator, Usage> finalUsage;
  private final Promise<AttemptResult> result = Promise.promise();
  private boolean headersSent;
  private boolean sawDone;
  private boolean observing = true;
  private SseParser sse;
  private NdjsonParser ndjson;
  private final io.vertx.core.Vertx vertx;
  private final long idleMillis;
  private long idleTimer = -1;

  StreamRelay(ClientLink client, UpstreamCall call, StreamTranslator translator, boolean passThrough,
              Framing framing, Function<StreamTranslator, Usage> finalUsage, io.vertx.core.Vertx vertx,
              long idleMillis) {
    this.vertx = vertx;
    this.idleMillis = idleMillis;
    this.client = client;
    this.call = call;
    this.translator = translator;
    this.passThrough = passThrough;
    this.framing = framing;
    this.finalUsage = finalUsage;
  }

  Future<AttemptResult> run() {
    if (framing == Framing.NDJSON && !passThrough) {
      ndjson = new NdjsonParser(this::onFrame, MAX_LINE);
    } else {
      sse = new SseParser(this::onFrame, MAX_LINE);
    }
    HttpClientResponse upstream = call.response();
    HttpServerResponse out = client.response();
    client.onClose(() -> {
      disarmIdle();
      // complete first: resetting the upstream reports an exception synchronously that must not win
      result.tryComplete(new AttemptResult(AttemptResult.Kind.CLIENT_ABORTED, 499, null, usageIfDelivered()));
      call.cancel();
    });
    upstream.handler(chunk -> {
      if (result.future().isComplete()) {
        return;
      }
      armIdle();
      sendHeaders(out);
      if (passThrough) {
        out.write(chunk);
      }
      feed(chunk);
      if (out.writeQueueFull()) {
        upstream.pause();
        out.drainHandler(v -> upstream.resume());
      }
    });
    upstream.endHandler(v -> {
      disarmIdle();
      call.finish();
      client.clearOnClose();
      if (result.future().isComplete()) {
        return;
      }
      endParsers();
      sendHeaders(out);
      if (!passThrough) {
        translator.onEnd().forEach(out::write);
      }
      if (!passThrough || !sawDone) {
        out.write(DONE);
      }
      out.end();
      // A dialect that reported an error inside its stream has already told the client; record it as a cut stream.
      UpstreamFailure inStream = translator.failure();
      result.tryComplete(inStream == null
          ? new AttemptResult(AttemptResult.Kind.DELIVERED, 200, null, finalUsage.apply(translator))
          : new AttemptResult(AttemptResult.Kind.TRUNCATED, inStream.httpStatus(), inStream,
              finalUsage.apply(translator)));
    });
    upstream.exceptionHandler(this::fail);
    armIdle();
    upstream.resume();
    return result.future();
  }

  /** The upstream failed or went idle: retryable if nothing was sent, else an error event ends the stream. */
  private void fail(Throwable err) {
    disarmIdle();
    call.finish();
    client.clearOnClose();
    if (result.future().isComplete()) {
      return;
    }
    HttpServerResponse out = client.response();
    FailureClass cls = err instanceof TimeoutException ? FailureClass.TIMEOUT : FailureClass.TRANSIENT;
    GatewayError ge = cls == FailureClass.TIMEOUT ? GatewayError.UPSTREAM_TIMEOUT : GatewayError.UPSTREAM_UNREACHABLE;
    JsonObject error = new JsonObject().put("message", ge.message("stream interrupted")).put("type", ge.type())
        .putNull("param").put("code", ge.code());
    UpstreamFailure failure = new UpstreamFailure(cls, ge.status(), ge.code(), error);
    if (!headersSent) {
      result.tryComplete(AttemptResult.failed(failure));
      return;
    }
    out.write(Buffer.buffer("data: ").appendBuffer(new JsonObject().put("error", error).toBuffer())
        .appendString("\n\n"));
    out.end();
    result.tryComplete(new AttemptResult(AttemptResult.Kind.TRUNCATED, ge.status(), failure, usageIfDelivered()));
  }

  /** STREAM_IDLE_TIMEOUT between upstream chunks: the call is reset and reported as a timeout. */
  private void armIdle() {
    disarmIdle();
    idleTimer = vertx.setTimer(idleMillis, id -> {
      idleTimer = -1;
      fail(new TimeoutException("no upstream bytes for " + idleMillis + " ms"));
      call.cancel();
    });
  }

  private void disarmIdle() {
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }

  private Usage usageIfDelivered() {
    return headersSent ? finalUsage.apply(translator) : Usage.NONE;
  }

  private void sendHeaders(HttpServerResponse out) {
    if (headersSent) {
      return;
    }
    headersSent = true;
    out.setStatusCode(200).setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
  }

  private void feed(Buffer chunk) {
    if (!observing) {
      return;
    }
    try {
      if (sse != null) {
        sse.feed(chunk);
      } else {
        ndjson.feed(chunk);
      }
    } catch (IllegalStateException e) {
      observing = false; // an absurdly long line: keep relaying, stop observing (usage falls back to estimate)
    }
  }

  private void endParsers() {
    if (!observing) {
      return;
    }
    try {
      if (sse != null) {
        sse.end();
      } else {
        ndjson.end();
      }
    } catch (IllegalStateException e) {
      observing = false;
    }
  }

  private void onFrame(SseEvent event) {
    if (event.isDone()) {
      sawDone = true;
      return;
    }
    var out = translator.onFrame(event);
    if (!passThrough) {
      for (Buffer b : out) {
        client.response().write(b);
      }
    }
  }
}
