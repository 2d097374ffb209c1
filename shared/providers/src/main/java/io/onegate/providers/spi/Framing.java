package io.onegate.providers.spi;

/** How an upstream frames its stream. */
public enum Framing {
  /** text/event-stream: {@code data:} lines, blank line ends an event. */
  SSE,
  /** One JSON object per line (Ollama). */
  NDJSON
}
