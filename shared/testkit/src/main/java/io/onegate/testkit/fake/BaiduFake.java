package io.onegate.testkit.fake;

import io.onegate.testkit.fake.FakeServer.Answer;
import io.onegate.testkit.fake.FakeServer.Call;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Baidu ERNIE legacy API (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/clntwmv7t): an {@code AK|SK} key is
 * exchanged at {@code POST /oauth/2.0/token?grant_type=client_credentials&client_id=AK&client_secret=SK}
 * (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/Ilkkrb0i5; the fake counts the exchanges and can answer them
 * slowly), then chat at {@code /rpc/2.0/ai_custom/v1/wenxinworkshop/chat/{endpoint}?access_token=…} and
 * embeddings at {@code …/embeddings/{endpoint}}. A wrong token gets ERNIE's error 110 in an HTTP 200 body.
 * Messages must alternate user/assistant, start and end with user, and carry no system role.
 */
public final class BaiduFake extends ProviderFake {
  public static final String AK = "BaiduFakeAk0123456789";
  public static final String SK = "BaiduFakeSk9876543210";
  private static final String PREFIX = "/rpc/2.0/ai_custom/v1/wenxinworkshop/";
  private final AtomicInteger tokenCalls = new AtomicInteger();
  private final long tokenDelayMs;
  private final String token = new JsonObject(Cassettes.load("baidu", "token.json")).getString("access_token");

  /** @param tokenDelayMs how long the token exchange takes (to let concurrent requests pile up behind it) */
  public BaiduFake(long tokenDelayMs) {
    super("baidu");
    this.tokenDelayMs = tokenDelayMs;
  }

  @Override
  public String key() {
    return AK + "|" + SK;
  }

  /** Token exchanges received. */
  public int tokenCalls() {
    return tokenCalls.get();
  }

  @Override
  public Expected chat() {
    return new Expected("您好，我是文心一言，英文名是ERNIE Bot。", 1, 15);
  }

  @Override
  public Expected stream() {
    return new Expected("当然可以，以下是一些建议的自驾游路线。", 5, 10);
  }

  @Override
  public int embeddings() {
    return 2;
  }

  @Override
  public long embeddingPromptTokens() {
    return 4;
  }

  @Override
  protected JsonObject errorBody(int status, String message) {
    return new JsonObject().put("error_code", 336003).put("error_msg", message);
  }

  @Override
  protected Answer answer(Call call) {
    if (!"POST".equals(call.method())) {
      return reject("method " + call.method());
    }
    if (call.path().equals("/oauth/2.0/token")) {
      tokenCalls.incrementAndGet();
      if (!"client_credentials".equals(call.queryParam("grant_type")) || !AK.equals(call.queryParam("client_id"))
          || !SK.equals(call.queryParam("client_secret"))) {
        problems().add("token exchange with wrong parameters: " + call.query());
        return Answer.of(401, "application/json", cassette("token-error.json"));
      }
      return Answer.of(200, "application/json", cassette("token.json")).delayed(tokenDelayMs);
    }
    if (!call.path().startsWith(PREFIX)) {
      return reject("unexpected path " + call.path());
    }
    if (!token.equals(call.queryParam("access_token"))) {
      problems().add("chat without the exchanged access_token: " + call.query());
      return Answer.of(200, "application/json", cassette("error-110.json"));
    }
    JsonObject body = call.json();
    if (body == null) {
      return reject("body is not JSON");
    }
    String rest = call.path().substring(PREFIX.length());
    if (rest.startsWith("embeddings/")) {
      return body.getValue("input") instanceof JsonArray input && !input.isEmpty() ? json("embeddings.json")
          : reject("embeddings need an input array");
    }
    if (!rest.startsWith("chat/") || rest.length() <= 5) {
      return reject("unexpected path " + call.path());
    }
    if (!(body.getValue("messages") instanceof JsonArray messages) || messages.size() % 2 == 0) {
      return reject("the messages member must not be empty and must have an odd number of members");
    }
    String expected = "user";
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = messages.getJsonObject(i);
      if (!expected.equals(message.getString("role")) || !(message.getValue("content") instanceof String)) {
        return reject("messages." + i + ": roles must alternate user/assistant with text content");
      }
      expected = expected.equals("user") ? "assistant" : "user";
    }
    return Boolean.TRUE.equals(body.getValue("stream")) ? sse("chat-stream.sse") : json("chat.json");
  }
}
