package io.onegate.providers.sse;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental server-sent-events parser (WHATWG rules): lines end with CR, LF or CRLF, also when split across
 * chunks; {@code :} lines are comments; a blank line dispatches the event; an event with no data is dropped.
 * Lines longer than {@code maxLineBytes} are an error (bounded memory). Not thread-safe: one per stream.
 */
public final class SseParser {
  private final Consumer<SseEvent> sink;
  private final int maxLineBytes;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private boolean lastWasCr;
  private String eventType;
  private StringBuilder data;
  private String id;

  public SseParser(Consumer<SseEvent> sink, int maxLineBytes) {
    this.sink = sink;
    this.maxLineBytes = maxLineBytes;
  }

  public SseParser(Consumer<SseEvent> sink) {
    this(sink, 16 * 1024 * 1024);
  }

  /** Feeds the next chunk of upstream bytes. */
  public void feed(Buffer chunk) {
    byte[] bytes = chunk.getBytes();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '\n' && lastWasCr) {
        lastWasCr = false;
        start = i + 1;
        continue;
      }
      lastWasCr = false;
      if (b == '\r' || b == '\n') {
        append(bytes, start, i - start);
        lastWasCr = b == '\r';
        endLine();
        start = i + 1;
      }
    }
    append(bytes, start, bytes.length - start);
  }

  /** The upstream ended: a pending event without its blank line is dispatched (lenient, like browsers are not). */
  public void end() {
    if (line.size() > 0) {
      endLine();
    }
    dispatch();
  }

  private void append(byte[] bytes, int offset, int length) {
    if (length <= 0) {
      return;
    }
    if (line.size() + length > maxLineBytes) {
      throw new IllegalStateException("SSE line longer than " + maxLineBytes + " bytes");
    }
    line.write(bytes, offset, length);
  }

  private void endLine() {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.charAt(0) == ':') {
      return;
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "data" -> {
        if (data == null) {
          data = new StringBuilder(value.length());
        } else {
          data.append('\n');
        }
        data.append(value);
      }
      case "event" -> eventType = value;
      case "id" -> id = value;
      default -> {
        // "retry" and unknown fields are ignored
      }
    }
  }

  private void dispatch() {
    if (data != null) {
      sink.accept(new SseEvent(eventType, data.toString(), id));
    }
    data = null;
    eventType = null;
    id = null;
  }
}
