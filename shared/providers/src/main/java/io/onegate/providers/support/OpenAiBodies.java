package io.onegate.providers.support;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.onegate.common.json.JsonText;
import io.onegate.providers.spi.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;

/**
 * Builders and readers of OpenAI's non-stream bodies: {@code chat.completion}
 * (https://platform.openai.com/docs/api-reference/chat/object) and the embedding list
 * (https://platform.openai.com/docs/api-reference/embeddings/object).
 */
public final class OpenAiBodies {
  private OpenAiBodies() {
  }

  /** One tool call of an assistant message; {@code arguments} is a JSON text. */
  public record ToolCall(String id, String name, String arguments) {
    JsonObject toJson() {
      return new JsonObject().put("id", id).put("type", "function")
          .put("function", new JsonObject().put("name", name).put("arguments", arguments));
    }
  }

  /** One choice: text content (null when only tool calls), tool calls (possibly empty), finish reason. */
  public record Choice(String content, List<ToolCall> toolCalls, String finishReason) {
    public Choice {
      toolCalls = List.copyOf(toolCalls);
    }
  }

  public static JsonObject completion(String id, long created, String model, List<Choice> choices, Usage usage) {
    JsonArray array = new JsonArray();
    for (int i = 0; i < choices.size(); i++) {
      Choice c = choices.get(i);
      JsonObject message = new JsonObject().put("role", "assistant");
      if (c.content() == null) {
        message.putNull("content");
      } else {
        message.put("content", c.content());
      }
      if (!c.toolCalls().isEmpty()) {
        JsonArray calls = new JsonArray();
        c.toolCalls().forEach(t -> calls.add(t.toJson()));
        message.put("tool_calls", calls);
      }
      array.add(new JsonObject().put("index", i).put("message", message).put("finish_reason", c.finishReason())
          .putNull("logprobs"));
    }
    JsonObject body = new JsonObject().put("id", id).put("object", "chat.completion").put("created", created)
        .put("model", model).put("choices", array);
    if (usage.source() != Usage.Source.NONE) {
      body.put("usage", usageJson(usage));
    }
    return body;
  }

  public static JsonObject usageJson(Usage usage) {
    return new JsonObject().put("prompt_tokens", usage.promptTokens())
        .put("completion_tokens", usage.completionTokens()).put("total_tokens", usage.totalTokens());
  }

  /** OpenAI's embedding list; usage has only prompt and total tokens. */
  public static JsonObject embeddings(String model, List<JsonArray> vectors, Usage usage) {
    JsonArray data = new JsonArray();
    for (int i = 0; i < vectors.size(); i++) {
      data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", vectors.get(i)));
    }
    return new JsonObject().put("object", "list").put("data", data).put("model", model)
        .put("usage", new JsonObject().put("prompt_tokens", usage.promptTokens())
            .put("total_tokens", usage.totalTokens()));
  }

  /**
   * The usage an OpenAI-shaped body or chunk reports; the one OpenAI usage reader. The body is read with a
   * streaming parser that skips everything but the top-level {@code usage} object and {@code duration} (no tree is
   * built: this runs once per relayed request). Rules:
   *
   * <ul>
   *   <li>prompt = {@code usage.prompt_tokens} (or {@code input_tokens}), completion =
   *   {@code usage.completion_tokens} (or {@code output_tokens}); negative or non-numeric counts are 0;</li>
   *   <li>only {@code total_tokens} (embeddings, rerank): all of it is prompt; a prompt and a larger total but no
   *   completion: the completion is the difference;</li>
   *   <li>audio seconds: {@code usage.seconds} of a {@code "type": "duration"} usage (transcriptions), else the
   *   top-level {@code duration} of a {@code verbose_json} transcription;</li>
   *   <li>{@link Usage#NONE} when none of these is reported (absent, null or all zero) or the body is not JSON.</li>
   * </ul>
   */
  public static Usage usageOf(Buffer openAiBody) {
    try (JsonParser p = JsonText.FACTORY.createParser(openAiBody.getBytes())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Usage.NONE;
      }
      long[] counts = new long[3];
      double[] seconds = new double[2];
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
          readUsage(p, counts, seconds);
        } else if ("duration".equals(field) && value.isNumeric()) {
          seconds[1] = Math.max(0, p.getValueAsDouble());
        } else {
          p.skipChildren();
        }
      }
      return usage(counts[0], counts[1], counts[2], seconds[0] > 0 ? seconds[0] : seconds[1]);
    } catch (IOException | RuntimeException e) {
      return Usage.NONE;
    }
  }

  /** {@link #usageOf(Buffer)} of a parsed body or chunk. */
  public static Usage usageOf(JsonObject openAiBody) {
    return usageOf(openAiBody.toBuffer());
  }

  /** Reads one {@code usage} object: counts {prompt, completion, total}, seconds[0] for a duration usage. */
  private static void readUsage(JsonParser p, long[] counts, double[] seconds) throws IOException {
    boolean duration = false;
    double reported = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      long n = v.isNumeric() ? Math.max(0, p.getValueAsLong()) : 0;
      switch (name) {
        case "prompt_tokens", "input_tokens" -> counts[0] = Math.max(counts[0], n);
        case "completion_tokens", "output_tokens" -> counts[1] = Math.max(counts[1], n);
        case "total_tokens" -> counts[2] = n;
        case "type" -> duration = v == JsonToken.VALUE_STRING && "duration".equals(p.getText());
        case "seconds" -> reported = v.isNumeric() ? Math.max(0, p.getValueAsDouble()) : 0;
        default -> { }
      }
      p.skipChildren();
    }
    if (duration) {
      seconds[0] = reported;
    }
  }

  private static Usage usage(long prompt, long completion, long total, double seconds) {
    if (prompt == 0 && completion == 0) {
      prompt = total;
    } else if (completion == 0 && total > prompt) {
      completion = total - prompt;
    }
    if (prompt == 0 && completion == 0 && seconds == 0) {
      return Usage.NONE;
    }
    return new Usage(prompt, completion, Usage.Source.REPORTED, seconds);
  }

  /**
   * Appends the generated text of an OpenAI message or stream delta to {@code out}, for estimating completion
   * tokens: content, reasoning, and the names and arguments of tool calls and of a legacy {@code function_call}.
   */
  public static void appendGenerated(JsonObject messageOrDelta, StringBuilder out) {
    if (messageOrDelta.getValue("content") instanceof String s) {
      out.append(s);
    }
    if (messageOrDelta.getValue("reasoning_content") instanceof String s) {
      out.append(s);
    }
    if (messageOrDelta.getValue("tool_calls") instanceof JsonArray calls) {
      for (Object o : calls) {
        if (o instanceof JsonObject call && call.getValue("function") instanceof JsonObject fn) {
          appendFunction(fn, out);
        }
      }
    }
    if (messageOrDelta.getValue("function_call") instanceof JsonObject fn) {
      appendFunction(fn, out); // the legacy functions API: the same name and arguments without tool_calls
    }
  }

  private static void appendFunction(JsonObject fn, StringBuilder out) {
    if (fn.getValue("name") instanceof String name) {
      out.append(name);
    }
    if (fn.getValue("arguments") instanceof String args) {
      out.append(args);
    }
  }
}
