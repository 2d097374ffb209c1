package io.onegate.providers.spi;

import io.onegate.providers.sse.SseEvent;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Incremental translation of one upstream stream into OpenAI chat-completion chunks (SSE bytes for the client).
 * Single-use, per attempt, called on one event loop in frame order. Must be fast and must not throw on malformed
 * frames (skip them). For NDJSON upstreams each line arrives as an event with only {@code data} set.
 */
public interface StreamTranslator {
  /** Client bytes for one upstream frame: zero or more complete SSE events ({@code data: …\n\n}). */
  List<Buffer> onFrame(SseEvent frame);

  /** Trailing client bytes once the upstream ended normally (e.g. a final usage chunk, never "[DONE]"). */
  List<Buffer> onEnd();

  /** Usage reported by the upstream so far ({@link Usage#NONE} if none). */
  Usage usage();

  /** Text delivered to the client so far (content and tool-call arguments), for usage estimation. */
  CharSequence deliveredText();

  /**
   * The failure the upstream reported inside the stream (e.g. Anthropic's {@code event: error}), or null. The
   * translator has already emitted an OpenAI-shaped {@code {"error":…}} event for the client.
   */
  default UpstreamFailure failure() {
    return null;
  }
}
