package io.onegate.providers.sse;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Incremental newline-delimited JSON parser: each non-blank line becomes an {@link SseEvent} with only data. */
public final class NdjsonParser {
  private final Consumer<SseEvent> sink;
  private final int maxLineBytes;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

  public NdjsonParser(Consumer<SseEvent> sink, int maxLineBytes) {
    this.sink = sink;
    this.maxLineBytes = maxLineBytes;
  }

  public void feed(Buffer chunk) {
    byte[] bytes = chunk.getBytes();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        append(bytes, start, i - start);
        emit();
        start = i + 1;
      }
    }
    append(bytes, start, bytes.length - start);
  }

  public void end() {
    emit();
  }

  private void append(byte[] bytes, int offset, int length) {
    if (length <= 0) {
      return;
    }
    if (line.size() + length > maxLineBytes) {
      throw new IllegalStateException("NDJSON line longer than " + maxLineBytes + " bytes");
    }
    line.write(bytes, offset, length);
  }

  private void emit() {
    String text = line.toString(StandardCharsets.UTF_8).trim();
    line.reset();
    if (!text.isEmpty()) {
      sink.accept(SseEvent.data(text));
    }
  }
}
