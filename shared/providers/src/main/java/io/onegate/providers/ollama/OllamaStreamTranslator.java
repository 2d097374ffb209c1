package io.onegate.providers.ollama;

import io.onegate.providers.sse.SseEvent;
import io.onegate.providers.support.ChunkStreamTranslator;
import io.onegate.providers.support.ChunkWriter;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.OpenAiBodies.ToolCall;
import io.onegate.providers.support.TranslationEnv;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Ollama's NDJSON chat stream: one {@code {"message":{"content"},"done":false}} object per line, then a
 * {@code done:true} line with {@code done_reason} and the token counts
 * (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion). Tool calls arrive whole.
 * A {@code {"error":…}} line becomes an OpenAI error event.
 */
final class OllamaStreamTranslator extends ChunkStreamTranslator {
  private final TranslationEnv env;
  private int toolCalls;
  private boolean finished;

  OllamaStreamTranslator(ChunkWriter out, TranslationEnv env) {
    super(out);
    this.env = env;
  }

  @Override
  public List<Buffer> onFrame(SseEvent frame) {
    JsonObject line = Json.object(frame.data());
    if (line == null) {
      return List.of();
    }
    if (line.getValue("error") != null) {
      return fail(OllamaResponseTranslator.classify(500, line));
    }
    out.adopt(null, Json.str(line, "model"));
    List<Buffer> events = new ArrayList<>(2);
    JsonObject message = Json.obj(line, "message");
    String content = Json.str(message, "content", "");
    if (!content.isEmpty()) {
      events.add(out.content(0, content));
    }
    for (ToolCall call : OllamaResponseTranslator.toolCalls(message, env)) {
      events.add(out.toolCallStart(0, toolCalls++, call.id(), call.name(), call.arguments()));
    }
    if (Json.bool(line, "done") && !finished) {
      finished = true;
      report(OllamaResponseTranslator.usage(line));
      events.add(out.finish(0, OllamaResponseTranslator.finishReason(Json.str(line, "done_reason"), toolCalls > 0)));
    }
    return events;
  }
}
