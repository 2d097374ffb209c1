package io.onegate.testkit.fake;

import io.onegate.testkit.fake.FakeServer.Answer;
import io.onegate.testkit.fake.FakeServer.Call;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google Gemini API (https://ai.google.dev/api/generate-content, /api/embeddings):
 * {@code /{v1|v1beta}/models/{model}:generateContent}, {@code :streamGenerateContent?alt=sse} and
 * {@code :batchEmbedContents} with {@code x-goog-api-key}; {@code contents} with roles user/model; a function
 * result as a {@code functionResponse} part after the model's {@code functionCall}.
 */
public final class GeminiFake extends ProviderFake {
  private static final Pattern PATH = Pattern.compile("/(v1|v1beta)/models/([^/:]+):(\\w+)");

  public GeminiFake() {
    super("gemini");
  }

  @Override
  public String key() {
    return "AIzaSyFakeGeminiKey0123456789abcdefghi";
  }

  @Override
  public Expected chat() {
    return new Expected("Hello! How can I help you today?", 4, 9);
  }

  @Override
  public Expected stream() {
    return new Expected("The sky is blue, 天空是蓝色的.", 8, 11);
  }

  @Override
  public ToolCall toolCall() {
    return new ToolCall("get_weather", "Boston, MA", null);
  }

  @Override
  public int embeddings() {
    return 2;
  }

  @Override
  protected JsonObject errorBody(int status, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", status).put("message", message)
        .put("status", "INVALID_ARGUMENT"));
  }

  /** Gemini refuses a bad key with 400 {@code INVALID_ARGUMENT} / reason {@code API_KEY_INVALID}, not 401. */
  @Override
  protected Answer unauthorized(String problem) {
    problems().add(problem);
    return Answer.of(400, "application/json", cassette("error-400-key.json"));
  }

  @Override
  protected Answer answer(Call call) {
    Matcher m = PATH.matcher(call.path());
    if (!"POST".equals(call.method()) || !m.matches()) {
      return reject("unexpected " + call.method() + " " + call.path());
    }
    if (!key().equals(call.header("x-goog-api-key"))) {
      return unauthorized("expected x-goog-api-key: <channel key>");
    }
    JsonObject body = call.json();
    if (body == null) {
      return reject("body is not JSON");
    }
    String model = m.group(2);
    return switch (m.group(3)) {
      case "batchEmbedContents" -> embed(body, model);
      case "generateContent" -> generate(body, false, call);
      case "streamGenerateContent" -> generate(body, true, call);
      default -> reject("no method " + m.group(3));
    };
  }

  private Answer embed(JsonObject body, String model) {
    if (!(body.getValue("requests") instanceof JsonArray requests) || requests.isEmpty()) {
      return reject("batchEmbedContents without requests");
    }
    for (Object r : requests) {
      if (!(r instanceof JsonObject o) || !("models/" + model).equals(o.getString("model"))
          || !(o.getValue("content") instanceof JsonObject)) {
        return reject("each request needs model models/" + model + " and content");
      }
    }
    return json("embeddings.json");
  }

  private Answer generate(JsonObject body, boolean stream, Call call) {
    if (stream && !"sse".equals(call.queryParam("alt"))) {
      return reject("streamGenerateContent without alt=sse answers a JSON array, not SSE");
    }
    if (!(body.getValue("contents") instanceof JsonArray contents) || contents.isEmpty()) {
      return reject("contents is required");
    }
    for (Object c : contents) {
      if (!(c instanceof JsonObject o) || !("user".equals(o.getString("role")) || "model".equals(o.getString("role")))
          || !(o.getValue("parts") instanceof JsonArray parts) || parts.isEmpty()) {
        return reject("each content needs role user|model and parts: " + c);
      }
    }
    if (stream) {
      return streamAnswer(body.getValue("tools") instanceof JsonArray t && !t.isEmpty(), "chat-stream.sse");
    }
    JsonObject last = contents.getJsonObject(contents.size() - 1);
    JsonObject response = part(last, "functionResponse");
    if (response != null) {
      JsonObject previous = contents.size() < 2 ? null : contents.getJsonObject(contents.size() - 2);
      JsonObject functionCall = previous == null ? null : part(previous, "functionCall");
      if (functionCall == null || !"model".equals(previous.getString("role"))
          || !toolCall().name().equals(functionCall.getString("name"))
          || !toolCall().name().equals(response.getString("name"))
          || !(response.getValue("response") instanceof JsonObject)) {
        return reject("functionResponse must follow the model's functionCall of the same name");
      }
      return json("chat.json");
    }
    if (body.getValue("tools") instanceof JsonArray tools) {
      boolean declared = tools.stream().anyMatch(t -> t instanceof JsonObject o
          && o.getValue("functionDeclarations") instanceof JsonArray d && d.stream().anyMatch(f ->
              f instanceof JsonObject fo && toolCall().name().equals(fo.getString("name"))));
      return declared ? json("chat-tools.json") : reject("functionDeclarations do not declare " + toolCall().name());
    }
    return json("chat.json");
  }

  private static JsonObject part(JsonObject content, String field) {
    if (content.getValue("parts") instanceof JsonArray parts) {
      for (Object p : parts) {
        if (p instanceof JsonObject o && o.getValue(field) instanceof JsonObject found) {
          return found;
        }
      }
    }
    return null;
  }
}
