package io.onegate.providers.sse;

/** One server-sent event: {@code event} may be null; {@code data} is the joined data lines ("\n"-separated). */
public record SseEvent(String event, String data, String id) {
  public static SseEvent data(String data) {
    return new SseEvent(null, data, null);
  }

  public boolean isDone() {
    return "[DONE]".equals(data);
  }
}
