package io.onegate.gateway.relay;

import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.Framing;
import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.Usage;
import io.onegate.providers.sse.NdjsonParser;
import io.onegate.providers.sse.SseEvent;
import io.onegate.providers.sse.SseParser;
import io.onegate.providers.support.ChunkWriter;
import io.onegate.providers.transport.UpstreamCall;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
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
 * <p>The end of the client's stream is held back in the result's {@link ClientFinish} (the settle step runs it
 * after handing over the usage event): the buffer that completes the upstream's {@code [DONE]} event (the answer
 * is complete there), the appended {@code [DONE]}, an error event and the end itself. Nothing else waits.
 *
 * <p>Billing rule (documented in docs): delivered → billed on the upstream's usage chunk, else on the prompt
 * estimate plus the tokens of the delivered text; nothing delivered → nothing billed.
 *
 * <p>Timeouts ({@link Timeouts}): until the first chunk, the attempt's first-byte deadline (if any); after it, the
 * idle timeout between chunks. The deadline of the whole request is the {@link UpstreamCall}'s: it resets the call,
 * which ends here as a timeout naming that limit.
 */
final class StreamRelay {
  /**
   * @param firstChunk      deadline ({@link System#nanoTime()}) of the first chunk; {@code Long.MAX_VALUE}: none
   * @param firstChunkLimit the limit that deadline comes from, as a timeout names it
   * @param idleMillis      silence allowed between chunks once the stream has started
   * @param idleLimit       that limit's name
   */
  record Timeouts(long firstChunk, String firstChunkLimit, long idleMillis, String idleLimit) {
  }

  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
  private static final int MAX_LINE = 16 * 1024 * 1024;

  private final ClientLink client;
  private final UpstreamCall call;
  private final StreamTranslator translator;
  private final boolean passThrough;
  private final Framing framing;
  private final Function<StreamTranslator, Usage> finalUsage;
  private final Promise<AttemptResult> result = Promise.promise();
  private final Vertx vertx;
  private final Timeouts timeouts;
  private final Buffer held = Buffer.buffer();
  private boolean headersSent;
  private boolean sawDone;
  private boolean observing = true;
  private SseParser sse;
  private NdjsonParser ndjson;
  private long idleTimer = -1;
  private boolean started;

  StreamRelay(ClientLink client, UpstreamCall call, StreamTranslator translator, boolean passThrough,
              Framing framing, Function<StreamTranslator, Usage> finalUsage, Vertx vertx, Timeouts timeouts) {
    this.client = client;
    this.call = call;
    this.translator = translator;
    this.passThrough = passThrough;
    this.framing = framing;
    this.finalUsage = finalUsage;
    this.vertx = vertx;
    this.timeouts = timeouts;
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
      result.tryComplete(AttemptResult.aborted(usageIfDelivered()));
      call.cancel();
    });
    upstream.handler(chunk -> {
      if (result.future().isComplete()) {
        return;
      }
      started = true;
      armIdle();
      sendHeaders(out);
      feed(chunk);
      if (passThrough) {
        if (sawDone) {
          held.appendBuffer(chunk); // completes the [DONE] event: the answer is whole, the end is held back
          complete(false);
          return;
        }
        out.write(chunk);
      }
      if (out.writeQueueFull()) {
        upstream.pause();
        out.drainHandler(v -> upstream.resume());
      }
    });
    upstream.endHandler(v -> {
      call.finish();
      if (result.future().isComplete()) {
        return;
      }
      endParsers();
      sendHeaders(out);
      if (!passThrough) {
        translator.onEnd().forEach(this::writeOrHold);
      }
      complete(!passThrough || !sawDone);
    });
    upstream.exceptionHandler(this::fail);
    armIdle();
    upstream.resume();
    return result.future();
  }

  /**
   * The answer is complete: delivered, or cut by an error the dialect reported inside its stream (the translator
   * has emitted its error event; recorded as a cut stream). {@code appendDone}: the finish writes {@code [DONE]}.
   */
  private void complete(boolean appendDone) {
    disarmIdle();
    client.clearOnClose();
    HttpServerResponse out = client.response();
    UpstreamFailure inStream = translator.failure();
    Usage usage = finalUsage.apply(translator);
    ClientFinish finish = ClientFinish.of(() -> {
      if (held.length() > 0) {
        out.write(held);
      }
      if (appendDone && inStream == null) {
        out.write(DONE);
      }
      out.end();
    });
    result.tryComplete(inStream == null ? AttemptResult.delivered(200, usage, finish)
        : AttemptResult.truncated(inStream, usage, finish));
  }

  /** The upstream failed or went idle: retryable if nothing was sent, else an error event ends the stream. */
  private void fail(Throwable err) {
    disarmIdle();
    call.finish();
    client.clearOnClose();
    if (result.future().isComplete()) {
      return;
    }
    UpstreamFailure failure = err instanceof TimeoutException t ? Dispatcher.timeout(t.getMessage())
        : call.expiredLimit() != null ? Dispatcher.timeout(call.expiredLimit())
        : GatewayError.UPSTREAM_UNREACHABLE.failure(FailureClass.TRANSIENT, "stream interrupted");
    if (!headersSent) {
      result.tryComplete(AttemptResult.failed(failure));
      return;
    }
    HttpServerResponse out = client.response();
    result.tryComplete(AttemptResult.truncated(failure, usageIfDelivered(), ClientFinish.of(() -> {
      out.write(ChunkWriter.error(failure.clientError()));
      out.end();
    })));
  }
  /**
   * The timer of the current wait: the first-byte deadline before the first chunk (none when unset), the idle
   * timeout after each chunk. When it passes, the call is reset and reported as a timeout naming the limit.
   */
  private void armIdle() {
    disarmIdle();
    long delay;
    String limit;
    if (started) {
      delay = timeouts.idleMillis();
      limit = timeouts.idleLimit();
    } else if (timeouts.firstChunk() != Long.MAX_VALUE) {
      delay = Math.max(1, (timeouts.firstChunk() - System.nanoTime()) / 1_000_000);
      limit = timeouts.firstChunkLimit();
    } else {
      return;
    }
    idleTimer = vertx.setTimer(delay, id -> {
      idleTimer = -1;
      fail(new TimeoutException(limit));
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
      out.forEach(this::writeOrHold);
    }
  }

  /** Translated output goes to the client at once, unless the dialect reported a failure: then it ends the stream. */
  private void writeOrHold(Buffer b) {
    if (translator.failure() != null) {
      held.appendBuffer(b);
    } else {
      client.response().write(b);
    }
  }
}
