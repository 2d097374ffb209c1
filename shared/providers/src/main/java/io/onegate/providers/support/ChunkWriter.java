package io.onegate.providers.support;

import io.onegate.providers.spi.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Writes OpenAI {@code chat.completion.chunk} SSE events for one stream
 * (https://platform.openai.com/docs/api-reference/chat/streaming). The first delta of each choice carries
 * {@code "role":"assistant"}. Keeps the delivered text (content and tool arguments) for usage estimation.
 * Single-use, not thread-safe.
 */
public final class ChunkWriter {
  private String id;
  private String model;
  private final long created;
  private final boolean includeUsage;
  private final StringBuilder delivered = new StringBuilder();
  private final java.util.BitSet roleSent = new java.util.BitSet();

  /** @param includeUsage whether {@link #finalUsage} writes the usage chunk (the client asked for it) */
  public ChunkWriter(String id, String model, long created, boolean includeUsage) {
    this.id = id;
    this.model = model;
    this.created = created;
    this.includeUsage = includeUsage;
  }

  public ChunkWriter(String id, String model, long created) {
    this(id, model, created, true);
  }

  /** The writer for one attempt's stream: a fresh id, the upstream model, and the client's usage-chunk choice. */
  public static ChunkWriter of(TranslationEnv env, io.onegate.providers.spi.AttemptSpec spec) {
    return new ChunkWriter(env.completionId(), spec.upstreamModel(), env.epochSeconds(), spec.includeUsage());
  }

  /** Adopts the upstream's id or model name when it reports one (never null or empty). */
  public void adopt(String upstreamId, String upstreamModel) {
    if (upstreamId != null && !upstreamId.isEmpty()) {
      id = upstreamId;
    }
    if (upstreamModel != null && !upstreamModel.isEmpty()) {
      model = upstreamModel;
    }
  }

  public String model() {
    return model;
  }

  public String id() {
    return id;
  }

  public long created() {
    return created;
  }

  public Buffer content(int choice, String text) {
    delivered.append(text);
    return choice(choice, new JsonObject().put("content", text), null);
  }

  /** A reasoning delta (DeepSeek's {@code reasoning_content} field, which OpenAI clients ignore). */
  public Buffer reasoning(int choice, String text) {
    delivered.append(text);
    return choice(choice, new JsonObject().put("reasoning_content", text), null);
  }

  /** The first delta of a tool call: id, type, name and (possibly empty) arguments. */
  public Buffer toolCallStart(int choice, int index, String callId, String name, String arguments) {
    delivered.append(name).append(arguments);
    JsonObject call = new JsonObject().put("index", index).put("id", callId).put("type", "function")
        .put("function", new JsonObject().put("name", name).put("arguments", arguments));
    return choice(choice, new JsonObject().put("tool_calls", new JsonArray().add(call)), null);
  }

  public Buffer toolCallArguments(int choice, int index, String fragment) {
    delivered.append(fragment);
    JsonObject call = new JsonObject().put("index", index)
        .put("function", new JsonObject().put("arguments", fragment));
    return choice(choice, new JsonObject().put("tool_calls", new JsonArray().add(call)), null);
  }

  public Buffer finish(int choice, String finishReason) {
    return choice(choice, new JsonObject(), finishReason);
  }

  /**
   * What ends the stream: the usage chunk when the upstream reported usage and the client asked for it
   * ({@code stream_options.include_usage}), else nothing (OpenAI sends no usage chunk unasked).
   */
  public java.util.List<Buffer> finalUsage(Usage usage) {
    return includeUsage && usage.reported() ? java.util.List.of(usage(usage)) : java.util.List.of();
  }

  /** The final usage chunk: empty {@code choices} and OpenAI's {@code usage} object. */
  public Buffer usage(Usage usage) {
    return event(base().put("choices", new JsonArray()).put("usage", OpenAiBodies.usageJson(usage)));
  }

  /** A mid-stream error in OpenAI's shape ({@code data: {"error":{…}}}), which OpenAI SDKs raise. */
  public static Buffer error(JsonObject clientError) {
    return event(new JsonObject().put("error", clientError));
  }

  public CharSequence delivered() {
    return delivered;
  }

  /** One SSE event carrying {@code json} as its data. */
  public static Buffer event(JsonObject json) {
    return Buffer.buffer("data: " + json.encode() + "\n\n");
  }

  private Buffer choice(int index, JsonObject delta, String finishReason) {
    if (!roleSent.get(index)) {
      roleSent.set(index);
      JsonObject withRole = new JsonObject().put("role", "assistant");
      withRole.mergeIn(delta);
      if (!withRole.containsKey("content") && !withRole.containsKey("tool_calls")) {
        withRole.put("content", "");
      }
      delta = withRole;
    }
    JsonObject choice = new JsonObject().put("index", index).put("delta", delta);
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return event(base().put("choices", new JsonArray().add(choice)));
  }

  private JsonObject base() {
    return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
        .put("model", model);
  }
}
