package io.onegate.testkit.fake;

import io.onegate.testkit.fake.FakeServer.Answer;
import io.onegate.testkit.fake.FakeServer.Call;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Zhipu GLM v4 (https://open.bigmodel.cn/dev/api/normal-model/glm-4): OpenAI-shaped bodies at
 * {@code /api/paas/v4/chat/completions} and {@code /api/paas/v4/embeddings}. The {@code Authorization: Bearer}
 * value must be the JWT Zhipu documents (https://open.bigmodel.cn/dev/api/http-call/http-auth): header
 * {@code {"alg":"HS256","sign_type":"SIGN"}}, claims {@code api_key} (the key's id), {@code exp} and
 * {@code timestamp} in milliseconds, HMAC-SHA256 signed with the key's secret; the fake verifies all of it
 * against its clock and answers 401 (Zhipu's body) otherwise.
 */
public final class ZhipuFake extends ProviderFake {
  public static final String ID = "fakezhipuid0123";
  public static final String SECRET = "ZmFrZVpoaXB1U2VjcmV0MDEyMzQ1";
  private final Clock clock;
  private final Set<String> jwts = ConcurrentHashMap.newKeySet();

  public ZhipuFake(Clock clock) {
    super("zhipu");
    this.clock = clock;
  }

  @Override
  public String key() {
    return ID + "." + SECRET;
  }

  /** Distinct JWTs seen (a gateway caching its JWT sends one). */
  public Set<String> jwts() {
    return jwts;
  }

  @Override
  public Expected chat() {
    return new Expected("智绘蓝图温馨家，精准设计，打造您的梦想家园！", 31, 217);
  }

  @Override
  public Expected stream() {
    return new Expected("土星是", 60, 3);
  }

  @Override
  public ToolCall toolCall() {
    return new ToolCall("get_weather", "北京", "call_8313807536837492493");
  }

  @Override
  public int embeddings() {
    return 2;
  }

  @Override
  public long embeddingPromptTokens() {
    return 100;
  }

  @Override
  protected JsonObject errorBody(int status, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", "1214").put("message", message));
  }

  /** Null when {@code jwt} is a valid Zhipu token for this key now. */
  String jwtProblem(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      return "not a JWT";
    }
    Base64.Decoder b64 = Base64.getUrlDecoder();
    JsonObject header = new JsonObject(new String(b64.decode(parts[0]), StandardCharsets.UTF_8));
    JsonObject claims = new JsonObject(new String(b64.decode(parts[1]), StandardCharsets.UTF_8));
    if (!"HS256".equals(header.getString("alg")) || !"SIGN".equals(header.getString("sign_type"))) {
      return "JWT header must be alg HS256, sign_type SIGN: " + header;
    }
    if (!ID.equals(claims.getString("api_key"))) {
      return "JWT api_key must be the key's id";
    }
    long now = clock.millis();
    if (!(claims.getValue("timestamp") instanceof Number ts) || Math.abs(ts.longValue() - now) > 10 * 60_000L) {
      return "JWT timestamp must be now in milliseconds: " + claims.getValue("timestamp");
    }
    if (!(claims.getValue("exp") instanceof Number exp) || exp.longValue() <= now
        || exp.longValue() > now + 30L * 24 * 3600_000L) {
      return "JWT exp must be a future time in milliseconds: " + claims.getValue("exp");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!MessageDigest.isEqual(expected, b64.decode(parts[2]))) {
        return "JWT signature is not HMAC-SHA256 with the key's secret";
      }
    } catch (java.security.GeneralSecurityException e) {
      return "cannot verify: " + e;
    }
    return null;
  }

  @Override
  protected Answer answer(Call call) {
    String auth = call.header("authorization");
    if (auth == null || !auth.startsWith("Bearer ")) {
      return unauthorized("no Bearer JWT");
    }
    String jwt = auth.substring(7);
    String problem = jwtProblem(jwt);
    if (problem != null) {
      return unauthorized(problem);
    }
    jwts.add(jwt);
    JsonObject body = call.json();
    if (!"POST".equals(call.method()) || body == null) {
      return reject("expected a POST with a JSON body");
    }
    if (call.path().equals("/api/paas/v4/embeddings")) {
      return body.getValue("input") != null && body.getValue("model") instanceof String ? json("embeddings.json")
          : reject("embeddings need model and input");
    }
    if (!call.path().equals("/api/paas/v4/chat/completions")) {
      return reject("unexpected path " + call.path());
    }
    if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()
        || !(body.getValue("model") instanceof String)) {
      return reject("chat needs model and messages");
    }
    if (Boolean.TRUE.equals(body.getValue("stream"))) {
      return streamAnswer(declaresFunction(body.getValue("tools"), toolCall().name()), "chat-stream.sse");
    }
    JsonObject last = messages.getJsonObject(messages.size() - 1);
    if ("tool".equals(last.getString("role"))) {
      String linkProblem = openAiToolResultProblem(messages, toolCall(), true);
      return linkProblem == null ? json("chat.json") : reject(linkProblem);
    }
    if (body.getValue("tools") != null) {
      return declaresFunction(body.getValue("tools"), toolCall().name()) ? json("chat-tools.json")
          : reject("tools do not declare " + toolCall().name());
    }
    return json("chat.json");
  }
}
