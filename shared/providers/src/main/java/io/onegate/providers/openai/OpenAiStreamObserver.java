package io.onegate.providers.openai;

import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.Usage;
import io.onegate.providers.sse.SseEvent;
import io.onegate.providers.support.OpenAiBodies;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Observes an OpenAI-format stream that is passed through byte for byte: it re-emits nothing and only records
 * the upstream's usage chunk (when present) and the delivered text (content, reasoning, tool-call and legacy
 * {@code function_call} names and arguments, completion text) for the fallback estimate. Per attempt, single event loop; malformed chunks are skipped.
 */
public final class OpenAiStreamObserver implements StreamTranslator {
  private final StringBuilder text = new StringBuilder();
  private Usage usage = Usage.NONE;

  @Override
  public List<Buffer> onFrame(SseEvent frame) {
    String data = frame.data();
    if (data.isEmpty() || data.charAt(0) != '{') {
      return List.of();
    }
    JsonObject chunk;
    try {
      chunk = new JsonObject(data);
    } catch (RuntimeException e) {
      return List.of();
    }
    if (chunk.getValue("usage") instanceof JsonObject) {
      Usage reported = OpenAiBodies.usageOf(Buffer.buffer(data));
      if (reported.reported()) {
        usage = reported;
      }
    }
    if (chunk.getValue("choices") instanceof JsonArray choices) {
      for (Object c : choices) {
        if (c instanceof JsonObject choice) {
          collect(choice);
        }
      }
    }
    return List.of();
  }

  private void collect(JsonObject choice) {
    if (choice.getValue("text") instanceof String s) {
      text.append(s);
    }
    if (choice.getValue("delta") instanceof JsonObject delta) {
      OpenAiBodies.appendGenerated(delta, text);
    }
  }

  @Override
  public List<Buffer> onEnd() {
    return List.of();
  }

  @Override
  public Usage usage() {
    return usage;
  }

  @Override
  public CharSequence deliveredText() {
    return text;
  }
}
