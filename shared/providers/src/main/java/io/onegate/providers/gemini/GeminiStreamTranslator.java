package io.onegate.providers.gemini;

import io.onegate.providers.sse.SseEvent;
import io.onegate.providers.support.ChunkStreamTranslator;
import io.onegate.providers.support.ChunkWriter;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.OpenAiBodies.ToolCall;
import io.onegate.providers.support.TranslationEnv;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code streamGenerateContent?alt=sse}: every event is a partial {@code GenerateContentResponse}
 * (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent). Text parts become content
 * deltas, each {@code functionCall} part a complete tool call, {@code finishReason} the finish chunk; the last
 * {@code usageMetadata} (cumulative) becomes the final usage chunk. An {@code error} object becomes an OpenAI
 * error event.
 */
final class GeminiStreamTranslator extends ChunkStreamTranslator {
  private final TranslationEnv env;
  private final Map<Integer, Integer> toolCounts = new HashMap<>();

  GeminiStreamTranslator(ChunkWriter out, TranslationEnv env) {
    super(out);
    this.env = env;
  }

  @Override
  public List<Buffer> onFrame(SseEvent frame) {
    JsonObject data = Json.object(frame.data());
    if (data == null) {
      return List.of();
    }
    if (Json.obj(data, "error") != null) {
      return fail(GeminiErrorClassifier.classify(200, data));
    }
    out.adopt(null, Json.str(data, "modelVersion"));
    report(GeminiResponseTranslator.usage(data));
    List<Buffer> events = new ArrayList<>();
    for (GeminiResponseTranslator.Candidate c : GeminiResponseTranslator.candidates(data, env)) {
      if (!c.text().isEmpty()) {
        events.add(out.content(c.index(), c.text()));
      }
      for (ToolCall call : c.calls()) {
        int toolIndex = toolCounts.merge(c.index(), 1, Integer::sum) - 1;
        events.add(out.toolCallStart(c.index(), toolIndex, call.id(), call.name(), call.arguments()));
      }
      if (c.finishReason() != null) {
        boolean calledTools = toolCounts.containsKey(c.index());
        events.add(out.finish(c.index(), calledTools && c.finishReason().equals("stop") ? "tool_calls"
            : c.finishReason()));
      }
    }
    return events;
  }
}
