package io.onegate.providers.ali;

import io.onegate.providers.sse.SseEvent;
import io.onegate.providers.support.ChunkStreamTranslator;
import io.onegate.providers.support.ChunkWriter;
import io.onegate.providers.support.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * DashScope's SSE stream with {@code X-DashScope-SSE: enable} and {@code incremental_output=true}: events
 * {@code event:result} whose data is a partial answer (content and tool-call fragments are deltas; usage is
 * cumulative), or {@code event:error} with {@code {"code","message"}}. The {@code :HTTP_STATUS/200} comment
 * lines are ignored by the SSE parser.
 */
final class AliStreamTranslator extends ChunkStreamTranslator {
  private final Set<Integer> startedCalls = new HashSet<>();
  private boolean finished;

  AliStreamTranslator(ChunkWriter out) {
    super(out);
  }

  @Override
  public List<Buffer> onFrame(SseEvent frame) {
    JsonObject data = Json.object(frame.data());
    if (data == null) {
      return List.of();
    }
    if ("error".equals(frame.event()) || AliErrorClassifier.isError(data)) {
      return fail(AliErrorClassifier.classify(200, data));
    }
    out.adopt(Json.str(data, "request_id"), null);
    report(AliResponseTranslator.usage(data));
    JsonObject output = Json.obj(data, "output");
    JsonObject choice = Json.objAt(Json.arr(output, "choices"), 0);
    JsonObject message = Json.obj(choice, "message");
    List<Buffer> events = new ArrayList<>(2);
    String content = message != null ? Json.str(message, "content", "") : Json.str(output, "text", "");
    if (!content.isEmpty()) {
      events.add(out.content(0, content));
    }
    toolCalls(Json.arr(message, "tool_calls"), events);
    String finish = AliResponseTranslator.finishReason(
        Json.str(choice != null ? choice : output, "finish_reason"), false);
    if (finish != null && !finished) {
      finished = true;
      events.add(out.finish(0, !startedCalls.isEmpty() && finish.equals("stop") ? "tool_calls" : finish));
    }
    return events;
  }

  private void toolCalls(JsonArray calls, List<Buffer> events) {
    for (int i = 0; calls != null && i < calls.size(); i++) {
      JsonObject call = Json.objAt(calls, i);
      JsonObject fn = Json.obj(call, "function");
      if (fn == null) {
        continue;
      }
      int index = call.getValue("index") instanceof Number n ? n.intValue() : i;
      String arguments = Json.str(fn, "arguments", "");
      if (startedCalls.add(index)) {
        events.add(out.toolCallStart(0, index, Json.str(call, "id", ""), Json.str(fn, "name", ""), arguments));
      } else if (!arguments.isEmpty()) {
        events.add(out.toolCallArguments(0, index, arguments));
      }
    }
  }
}
