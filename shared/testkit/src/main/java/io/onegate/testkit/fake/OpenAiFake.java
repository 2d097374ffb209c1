package io.onegate.testkit.fake;

import io.onegate.testkit.fake.FakeServer.Answer;
import io.onegate.testkit.fake.FakeServer.Call;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * OpenAI's wire format (https://platform.openai.com/docs/api-reference/chat, /embeddings) under a path prefix:
 * {@code /v1} for OpenAI and OpenAI-compatible local servers (vLLM, LocalAI, LM Studio), {@code /v2} for Baidu
 * Qianfan v2. Checks {@code Authorization: Bearer <key>}, the path, and the body (model, messages with known
 * roles, tool round trips linked by {@code tool_call_id}); streams send the usage chunk only when the request
 * asks for it ({@code stream_options.include_usage}), as OpenAI does. Cassettes: {@code cassettes/openai/}
 * unless the provider directory has its own.
 */
public class OpenAiFake extends ProviderFake {
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
  private final String prefix;
  private final String key;

  public OpenAiFake(String provider, String prefix, String key) {
    super(provider);
    this.prefix = prefix;
    this.key = key;
  }

  /** OpenAI itself. */
  public static OpenAiFake openAi() {
    return new OpenAiFake("openai", "/v1", "sk-proj-fakeOpenAiKey0123456789");
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public Expected chat() {
    return new Expected("Hello! How can I assist you today?", 19, 10);
  }

  @Override
  public Expected stream() {
    return new Expected("Hello there! 你好，有什么可以帮你？", 12, 9);
  }

  @Override
  public ToolCall toolCall() {
    return new ToolCall("get_current_weather", "Boston, MA", "call_abc123");
  }

  @Override
  public int embeddings() {
    return 2;
  }

  @Override
  public long embeddingPromptTokens() {
    return 8;
  }

  @Override
  protected Buffer cassette(String name) {
    Buffer own = Cassettes.find(provider(), name);
    return own != null ? own : Cassettes.load("openai", name);
  }

  @Override
  protected JsonObject errorBody(int status, String message) {
    return new JsonObject().put("error", new JsonObject().put("message", message)
        .put("type", "invalid_request_error").putNull("param").putNull("code"));
  }

  /** The task path after the prefix ({@code /chat/completions}, {@code /embeddings}), or null with a problem. */
  protected String task(Call call) {
    if (!call.path().startsWith(prefix + "/")) {
      return null;
    }
    return call.path().substring(prefix.length());
  }

  /** Null when the request carries the right credential. */
  protected String authProblem(Call call) {
    return isBearer(call, key) ? null : "expected Authorization: Bearer <channel key>";
  }

  /** Null when the body may go to this upstream (subclasses refuse fields their API version lacks). */
  protected String bodyProblem(JsonObject body) {
    return null;
  }

  @Override
  protected Answer answer(Call call) {
    if (!"POST".equals(call.method())) {
      return reject("method " + call.method());
    }
    String task = task(call);
    if (task == null) {
      return reject("unexpected path " + call.path() + "?" + call.query());
    }
    String auth = authProblem(call);
    if (auth != null) {
      return unauthorized(auth);
    }
    JsonObject body = call.json();
    if (body == null) {
      return reject("body is not a JSON object");
    }
    String bodyProblem = bodyProblem(body);
    if (bodyProblem != null) {
      return reject(bodyProblem);
    }
    return switch (task) {
      case "/chat/completions" -> chat(body);
      case "/embeddings" -> body.getValue("input") == null ? reject("embeddings without input")
          : json("embeddings.json");
      default -> reject("no such endpoint " + call.path());
    };
  }

  private Answer chat(JsonObject body) {
    if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
      return reject("chat without messages");
    }
    for (Object m : messages) {
      if (!(m instanceof JsonObject message) || !ROLES.contains(message.getString("role"))) {
        return reject("message without a known role: " + m);
      }
    }
    if (Boolean.TRUE.equals(body.getValue("stream"))) {
      JsonObject options = body.getJsonObject("stream_options");
      boolean usage = options != null && Boolean.TRUE.equals(options.getValue("include_usage"));
      return sse(usage ? "chat-stream-usage.sse" : "chat-stream.sse");
    }
    if (body.containsKey("stream_options")) {
      return reject("stream_options is only allowed with stream: true");
    }
    JsonObject last = messages.getJsonObject(messages.size() - 1);
    if ("tool".equals(last.getString("role"))) {
      String problem = openAiToolResultProblem(messages, toolCall(), true);
      return problem == null ? json("chat.json") : reject(problem);
    }
    if (body.getValue("tools") != null) {
      return declaresFunction(body.getValue("tools"), toolCall().name()) ? json("chat-tools.json")
          : reject("tools do not declare " + toolCall().name());
    }
    return json("chat.json");
  }
}
