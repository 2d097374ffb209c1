package io.onegate.providers.baidu;

import io.onegate.providers.sse.SseEvent;
import io.onegate.providers.support.ChunkStreamTranslator;
import io.onegate.providers.support.ChunkWriter;
import io.onegate.providers.support.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * ERNIE's SSE stream: each event is {@code {"id","sentence_id","is_end","result","finish_reason","usage"}}
 * (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/clntwmv7t, "流式"). {@code result} is the delta;
 * {@code finish_reason} is "normal" on every event, so the finish chunk is written only when {@code is_end} is
 * true; usage is cumulative (the last one wins). An {@code error_code} event becomes an OpenAI error event.
 */
final class BaiduStreamTranslator extends ChunkStreamTranslator {
  private boolean finished;

  BaiduStreamTranslator(ChunkWriter out) {
    super(out);
  }

  @Override
  public List<Buffer> onFrame(SseEvent frame) {
    JsonObject data = Json.object(frame.data());
    if (data == null) {
      return List.of();
    }
    if (BaiduErrorClassifier.isError(data)) {
      return fail(BaiduErrorClassifier.classify(200, data));
    }
    out.adopt(Json.str(data, "id"), null);
    report(BaiduTranslator.usage(data));
    List<Buffer> events = new ArrayList<>(2);
    String result = Json.str(data, "result", "");
    if (!result.isEmpty()) {
      events.add(out.content(0, result));
    }
    if (Json.bool(data, "is_end") && !finished) {
      finished = true;
      events.add(out.finish(0, BaiduTranslator.finishReason(Json.str(data, "finish_reason"),
          Json.bool(data, "is_truncated"))));
    }
    return events;
  }
}
