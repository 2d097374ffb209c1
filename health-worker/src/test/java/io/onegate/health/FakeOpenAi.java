package io.onegate.health;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake OpenAI-compatible upstream on 127.0.0.1:0 speaking the documented wire format of
 * {@code POST /v1/chat/completions}: 200 with a text choice and usage, or, for keys marked dead, 401
 * {@code {"error":{"code":"invalid_api_key",…}}}, for keys marked failing, 500 {@code server_error}. Also receives
 * webhooks at {@code /hook}.
 */
public final class FakeOpenAi implements AutoCloseable {
  public record Hook(Map<String, String> headers, String body) {
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Set<String> deadKeys = ConcurrentHashMap.newKeySet();
  private final Set<String> failingKeys = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> requestsByKey = new ConcurrentHashMap<>();
  private final Map<String, String> lastModelByKey = new ConcurrentHashMap<>();
  private final Map<String, Long> delayByKey = new ConcurrentHashMap<>();
  public final List<Hook> hooks = new CopyOnWriteArrayList<>();

  public FakeOpenAi() throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (req.path().equals("/hook")) {
        Map<String, String> headers = new ConcurrentHashMap<>();
        req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
        hooks.add(new Hook(headers, body.toString()));
        req.response().setStatusCode(204).end();
        return;
      }
      if (!req.path().equals("/v1/chat/completions")) {
        req.response().setStatusCode(404).end();
        return;
      }
      String auth = String.valueOf(req.getHeader("Authorization"));
      String key = auth.startsWith("Bearer ") ? auth.substring(7) : "";
      requestsByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      JsonObject json = body.toJsonObject();
      lastModelByKey.put(key, json.getString("model", ""));
      if (deadKeys.contains(key)) {
        req.response().setStatusCode(401).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("error", new JsonObject()
                .put("message", "Incorrect API key provided: sk-****. You can find your API key at "
                    + "https://platform.openai.com/account/api-keys.")
                .put("type", "invalid_request_error").putNull("param").put("code", "invalid_api_key")).encode());
        return;
      }
      if (failingKeys.contains(key)) {
        req.response().setStatusCode(500).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("error", new JsonObject().put("message", "The server had an error")
                .put("type", "server_error").putNull("param").putNull("code")).encode());
        return;
      }
      long delay = delayByKey.getOrDefault(key, 0L);
      JsonObject answer = new JsonObject()
          .put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1).put("model", json.getString("model"))
          .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
              .put("message", new JsonObject().put("role", "assistant").put("content", json.getString("model")))
              .put("finish_reason", "stop")))
          .put("usage", new JsonObject().put("prompt_tokens", 12).put("completion_tokens", 3)
              .put("total_tokens", 15));
      if (delay > 0) {
        vertx.setTimer(delay, t -> req.response().putHeader("Content-Type", "application/json").end(answer.encode()));
      } else {
        req.response().putHeader("Content-Type", "application/json").end(answer.encode());
      }
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public void setDead(String key, boolean dead) {
    if (dead) {
      deadKeys.add(key);
    } else {
      deadKeys.remove(key);
    }
  }

  public void setFailing(String key, boolean failing) {
    if (failing) {
      failingKeys.add(key);
    } else {
      failingKeys.remove(key);
    }
  }

  /** Answers successful requests with this key only after {@code millis}. */
  public void setDelay(String key, long millis) {
    delayByKey.put(key, millis);
  }

  public int requests(String key) {
    AtomicInteger n = requestsByKey.get(key);
    return n == null ? 0 : n.get();
  }

  public String lastModel(String key) {
    return lastModelByKey.get(key);
  }

  @Override
  public void close() {
    vertx.close();
  }
}
