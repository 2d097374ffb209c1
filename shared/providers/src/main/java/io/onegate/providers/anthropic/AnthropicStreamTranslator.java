package io.onegate.providers.anthropic;

import io.onegate.providers.spi.Usage;
import io.onegate.providers.sse.SseEvent;
import io.onegate.providers.support.ChunkStreamTranslator;
import io.onegate.providers.support.ChunkWriter;
import io.onegate.providers.support.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Anthropic's SSE event stream (https://docs.anthropic.com/en/docs/build-with-claude/streaming) → OpenAI chunks:
 * {@code message_start} gives id, model and input tokens; text and {@code input_json_delta} deltas become
 * content and tool-call argument deltas; {@code message_delta} gives the finish reason and the (cumulative)
 * output tokens; {@code error} becomes an OpenAI error event. Usage goes out in a final chunk from
 * {@link #onEnd}. The event kind is read from the data's {@code type} (the {@code event:} line is redundant).
 */
final class AnthropicStreamTranslator extends ChunkStreamTranslator {
  /** Content-block index → OpenAI tool-call index, for tool_use blocks. */
  private final Map<Integer, Integer> toolIndex = new HashMap<>();
  private long inputTokens;
  private long outputTokens;
  private boolean sawUsage;

  AnthropicStreamTranslator(ChunkWriter out) {
    super(out);
  }

  @Override
  public List<Buffer> onFrame(SseEvent frame) {
    JsonObject data = Json.object(frame.data());
    if (data == null) {
      return List.of();
    }
    String type = Json.str(data, "type", frame.event() == null ? "" : frame.event());
    return switch (type) {
      case "message_start" -> messageStart(Json.obj(data, "message"));
      case "content_block_start" -> blockStart(data);
      case "content_block_delta" -> blockDelta(data);
      case "message_delta" -> messageDelta(data);
      case "error" -> error(data);
      default -> List.of(); // ping, content_block_stop, message_stop, unknown future events
    };
  }

  private List<Buffer> messageStart(JsonObject message) {
    if (message == null) {
      return List.of();
    }
    out.adopt(Json.str(message, "id"), Json.str(message, "model"));
    readUsage(Json.obj(message, "usage"));
    return List.of();
  }

  private List<Buffer> blockStart(JsonObject data) {
    JsonObject block = Json.obj(data, "content_block");
    String blockType = Json.str(block, "type", "");
    if (blockType.equals("tool_use")) {
      int index = toolIndex.size();
      toolIndex.put((int) Json.num(data, "index"), index);
      return List.of(out.toolCallStart(0, index, Json.str(block, "id", ""), Json.str(block, "name", ""), ""));
    }
    if (blockType.equals("text") && !Json.str(block, "text", "").isEmpty()) {
      return List.of(out.content(0, block.getString("text")));
    }
    return List.of();
  }

  private List<Buffer> blockDelta(JsonObject data) {
    JsonObject delta = Json.obj(data, "delta");
    String deltaType = Json.str(delta, "type", "");
    switch (deltaType) {
      case "text_delta" -> {
        String text = Json.str(delta, "text", "");
        return text.isEmpty() ? List.of() : List.of(out.content(0, text));
      }
      case "input_json_delta" -> {
        Integer index = toolIndex.get((int) Json.num(data, "index"));
        String partial = Json.str(delta, "partial_json", "");
        return index == null || partial.isEmpty() ? List.of() : List.of(out.toolCallArguments(0, index, partial));
      }
      case "thinking_delta" -> {
        String thinking = Json.str(delta, "thinking", "");
        return thinking.isEmpty() ? List.of() : List.of(out.reasoning(0, thinking));
      }
      default -> {
        return List.of(); // signature_delta and future delta kinds
      }
    }
  }

  private List<Buffer> messageDelta(JsonObject data) {
    readUsage(Json.obj(data, "usage"));
    JsonObject delta = Json.obj(data, "delta");
    String stopReason = Json.str(delta, "stop_reason");
    if (stopReason == null) {
      return List.of();
    }
    return List.of(out.finish(0, AnthropicResponseTranslator.finishReason(stopReason)));
  }

  private List<Buffer> error(JsonObject data) {
    return fail(AnthropicErrorClassifier.classify(200, data));
  }

  /** message_start carries input tokens; message_delta carries cumulative output (and, lately, input) tokens. */
  private void readUsage(JsonObject usage) {
    if (usage == null) {
      return;
    }
    sawUsage = true;
    Usage u = AnthropicResponseTranslator.usage(usage);
    if (u.promptTokens() > 0) {
      inputTokens = u.promptTokens();
    }
    if (usage.containsKey("output_tokens")) {
      outputTokens = u.completionTokens();
    }
  }

  /** The usage of message_start and message_delta together, once either reported one. */
  @Override
  public Usage usage() {
    return sawUsage ? new Usage(inputTokens, outputTokens, Usage.Source.REPORTED) : Usage.NONE;
  }
}
