package io.onegate.providers.zhipu;

import io.onegate.providers.sse.SseEvent;
import io.onegate.providers.support.ChunkStreamTranslator;
import io.onegate.providers.support.ChunkWriter;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.OpenAiBodies;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Zhipu v4 chunks are OpenAI-shaped but lack {@code object}, put usage on the last content chunk and may omit
 * tool-call indexes (https://open.bigmodel.cn/dev/api/normal-model/glm-4, streaming). Normalises each chunk,
 * moves usage to a final {@code choices: []} chunk, and drops {@code [DONE]} (the relay writes its own).
 */
final class ZhipuStreamTranslator extends ChunkStreamTranslator {
  private final StringBuilder delivered = new StringBuilder();

  ZhipuStreamTranslator(ChunkWriter out) {
    super(out);
  }

  @Override
  public List<Buffer> onFrame(SseEvent frame) {
    JsonObject chunk = Json.object(frame.data());
    if (chunk == null) {
      return List.of();
    }
    if (Json.obj(chunk, "error") != null) {
      return fail(ZhipuErrorClassifier.classify(200, chunk));
    }
    if (Json.obj(chunk, "usage") != null) {
      report(OpenAiBodies.usageOf(chunk.toBuffer()));
    }
    JsonArray choices = Json.arr(chunk, "choices");
    if (choices == null || choices.isEmpty()) {
      return List.of();
    }
    out.adopt(Json.str(chunk, "id"), Json.str(chunk, "model"));
    JsonObject normalised = chunk.copy();
    normalised.remove("usage");
    normalised.put("object", "chat.completion.chunk");
    normalised.put("id", Json.str(chunk, "id", out.id()));
    normalised.put("model", out.model());
    if (!(chunk.getValue("created") instanceof Number)) {
      normalised.put("created", out.created());
    }
    for (int i = 0; i < choices.size(); i++) {
      JsonObject delta = Json.obj(Json.objAt(normalised.getJsonArray("choices"), i), "delta");
      ZhipuResponses.indexToolCalls(delta);
      if (delta != null) {
        delivered.append(Json.str(delta, "content", ""));
      }
    }
    return List.of(ChunkWriter.event(normalised));
  }

  @Override
  public CharSequence deliveredText() {
    return delivered;
  }
}
