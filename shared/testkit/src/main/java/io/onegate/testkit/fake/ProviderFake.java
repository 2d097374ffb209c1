package io.onegate.testkit.fake;

import io.onegate.testkit.fake.FakeServer.Answer;
import io.onegate.testkit.fake.FakeServer.Call;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake LLM provider that speaks one provider's documented wire format: it checks what a gateway sends (auth
 * header, URL, query, body shape) and answers from the provider's cassettes (JSON, SSE or NDJSON, errors). A
 * request that breaks the provider's rules is recorded in {@link #problems()} and answered with the provider's
 * error shape carrying the reason, so a test fails with a readable message. Tool round trips: a request that
 * declares tools gets the tool-call cassette; a request whose last turn is the tool's result (in the provider's
 * format, linked to the call) gets the plain answer.
 */
public abstract class ProviderFake {
  /** What the fake's answers carry: text and the token counts it reports. */
  public record Expected(String text, long promptTokens, long completionTokens) {
  }

  /** The tool call the fake answers with: function name, a fragment of its JSON arguments, and its id. */
  public record ToolCall(String name, String argumentFragment, String id) {
  }

  private final String provider;
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private FakeServer server;

  protected ProviderFake(String provider) {
    this.provider = provider;
  }

  /** Starts the fake on 127.0.0.1 with a random port. */
  public Future<ProviderFake> start(Vertx vertx) {
    return FakeServer.start(vertx, this::route).map(s -> {
      server = s;
      return this;
    });
  }

  public String baseUrl() {
    return server.baseUrl();
  }

  public List<Call> calls() {
    return server.calls();
  }

  /** Requests that broke the provider's documented rules (empty when the gateway spoke the dialect right). */
  public List<String> problems() {
    return problems;
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** Cassette directory name. */
  public String provider() {
    return provider;
  }

  /** The channel key to configure (in the provider's key format). */
  public abstract String key();

  /** What {@code chat.json} (and the final answer of a tool round trip) carries. */
  public abstract Expected chat();

  /** What the stream cassette carries. */
  public abstract Expected stream();

  /** The tool call the fake returns, or null when the provider (as OneGate serves it) has no tools. */
  public ToolCall toolCall() {
    return null;
  }

  /** True when the fake streams tool calls ({@code chat-tools-stream.sse}) for a streamed request with tools. */
  public boolean streamsToolCalls() {
    return toolCall() != null && Cassettes.find(provider, "chat-tools-stream.sse") != null;
  }

  /** The stream answer: the tool-call stream when tools are declared and the provider has one, else the text one. */
  protected Answer streamAnswer(boolean toolsDeclared, String textCassette) {
    return toolsDeclared && streamsToolCalls() ? sse("chat-tools-stream.sse") : sse(textCassette);
  }

  /** Number of vectors the embeddings answer holds; 0 when the provider has no embeddings. */
  public int embeddings() {
    return 0;
  }

  /** Prompt tokens the embeddings answer reports, or -1 when the provider reports none. */
  public long embeddingPromptTokens() {
    return -1;
  }

  private Answer route(Call call) {
    try {
      return answer(call);
    } catch (RuntimeException e) {
      return reject("unreadable request: " + e);
    }
  }

  /** Checks one request and answers it. */
  protected abstract Answer answer(Call call);

  /** The provider's error body (documented shape) carrying {@code message}. */
  protected abstract JsonObject errorBody(int status, String message);

  /** Records a broken rule and answers 400 in the provider's error shape. */
  protected Answer reject(String problem) {
    problems.add(problem);
    return Answer.json(400, errorBody(400, "fake " + provider + ": " + problem));
  }

  /** A wrong credential: 401 with the provider's documented body. */
  protected Answer unauthorized(String problem) {
    problems.add(problem);
    Buffer documented = Cassettes.find(provider, "error-401.json");
    return Answer.of(401, "application/json", documented != null ? documented : errorBody(401, problem).toBuffer());
  }

  protected Buffer cassette(String name) {
    return Cassettes.load(provider, name);
  }

  protected Answer json(String name) {
    return Answer.chunked(200, "application/json", cassette(name), 3);
  }

  protected Answer sse(String name) {
    return Answer.chunked(200, "text/event-stream", cassette(name), 7);
  }

  // ---------------------------------------------------------------- helpers for OpenAI-shaped message lists

  /** Null when the OpenAI-shaped {@code messages} are a valid tool round trip ending in the tool's result. */
  protected static String openAiToolResultProblem(JsonArray messages, ToolCall expected, boolean idsRequired) {
    JsonObject last = messages.getJsonObject(messages.size() - 1);
    JsonObject assistant = messages.size() < 2 ? null : messages.getJsonObject(messages.size() - 2);
    if (assistant == null || !"assistant".equals(assistant.getString("role"))
        || !(assistant.getValue("tool_calls") instanceof JsonArray calls) || calls.isEmpty()) {
      return "the tool result does not follow an assistant turn with tool_calls";
    }
    JsonObject call = calls.getJsonObject(0);
    JsonObject function = call.getJsonObject("function", new JsonObject());
    if (!expected.name().equals(function.getString("name"))) {
      return "the assistant turn's tool call names " + function.getString("name");
    }
    if (idsRequired && (!expected.id().equals(call.getString("id"))
        || !expected.id().equals(last.getString("tool_call_id")))) {
      return "tool_call_id " + last.getString("tool_call_id") + " does not link to call " + call.getString("id");
    }
    if (!(last.getValue("content") instanceof String content) || content.isEmpty()) {
      return "the tool message has no content";
    }
    return null;
  }

  /** True when OpenAI-shaped {@code tools} declare a function of this name. */
  protected static boolean declaresFunction(Object tools, String name) {
    if (!(tools instanceof JsonArray array)) {
      return false;
    }
    for (Object tool : array) {
      if (tool instanceof JsonObject t && t.getValue("function") instanceof JsonObject f
          && name.equals(f.getString("name"))) {
        return true;
      }
    }
    return false;
  }

  protected static boolean isBearer(Call call, String credential) {
    return ("Bearer " + credential).equals(call.header("authorization"));
  }
}
