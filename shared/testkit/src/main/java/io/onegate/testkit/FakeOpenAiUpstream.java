package io.onegate.testkit;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake provider speaking OpenAI's wire format on 127.0.0.1 (random port): chat completions (plain, tools,
 * SSE stream with configurable spacing), completions, embeddings, moderations, images, audio (speech bytes,
 * transcriptions, translations) and rerank. It records every request, can be told to answer the next requests
 * with given errors, to send custom stream chunks with a delay between them, or to stall; and it counts closed
 * connections (to see a gateway reset an upstream request).
 */
public final class FakeOpenAiUpstream {

  /** A request as received. */
  public record Recorded(String method, String path, MultiMap headers, Buffer body) {
    public JsonObject json() {
      return body.length() == 0 ? new JsonObject() : body.toJsonObject();
    }
  }

  /** Custom behaviour for one request. */
  @FunctionalInterface
  public interface Reply {
    void answer(Vertx vertx, HttpServerRequest request, Buffer body, HttpServerResponse response);
  }

  public static final byte[] SPEECH_BYTES = new byte[] {(byte) 0xFF, (byte) 0xF3, 0x44, (byte) 0xC4, 0x00, 0x01,
      0x02, 0x03};

  private final Vertx vertx;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final Queue<Reply> next = new ConcurrentLinkedQueue<>();
  private final Map<String, Reply> byPath = new ConcurrentHashMap<>();
  private final AtomicInteger closedConnections = new AtomicInteger();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicInteger cutStreams = new AtomicInteger();
  private volatile List<String> streamChunks = defaultChunks();
  private volatile long chunkDelayMs;
  private HttpServer server;

  public FakeOpenAiUpstream(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<FakeOpenAiUpstream> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
        .connectionHandler(conn -> {
          openConnections.incrementAndGet();
          conn.closeHandler(v -> {
            openConnections.decrementAndGet();
            closedConnections.incrementAndGet();
          });
        })
        .requestHandler(req -> req.body().onSuccess(body -> {
          Recorded r = new Recorded(req.method().name(), req.path(), MultiMap.caseInsensitiveMultiMap()
              .addAll(req.headers()), body);
          requests.add(r);
          Reply reply = next.poll();
          if (reply == null) {
            reply = byPath.get(req.path());
          }
          if (reply == null) {
            reply = this::standard;
          }
          reply.answer(vertx, req, body, req.response());
        }))
        .listen(0, "127.0.0.1")
        .map(s -> {
          server = s;
          return this;
        });
  }

  public int port() {
    return server.actualPort();
  }

  /** Base URL as a channel's base_url: {@code http://127.0.0.1:port}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public List<Recorded> requests() {
    return requests;
  }

  public int closedConnections() {
    return closedConnections.get();
  }

  /** Streams whose connection was closed by the peer (the gateway) before the stream ended. */
  public int cutStreams() {
    return cutStreams.get();
  }

  public int openConnections() {
    return openConnections.get();
  }

  /** The next request gets {@code status} with an OpenAI error body of this type and code. */
  public FakeOpenAiUpstream failNext(int status, String type, String code) {
    next.add((v, req, body, resp) -> resp.setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("message", "fake failure " + status)
            .put("type", type).putNull("param").put("code", code)).encode()));
    return this;
  }

  /** The next request gets a custom reply. */
  public FakeOpenAiUpstream replyNext(Reply reply) {
    next.add(reply);
    return this;
  }

  /** Every request to {@code path} gets a custom reply. */
  public FakeOpenAiUpstream onPath(String path, Reply reply) {
    byPath.put(path, reply);
    return this;
  }

  /** Requests to {@code path} get the default behaviour again. */
  public FakeOpenAiUpstream clearPath(String path) {
    byPath.remove(path);
    return this;
  }

  /** The default behaviour, for custom replies that answer some requests normally. */
  public Reply standardReply() {
    return this::standard;
  }

  /** Stream answers send these raw SSE pieces (each written as one chunk), {@code delayMs} apart. */
  public FakeOpenAiUpstream streamChunks(List<String> chunks, long delayMs) {
    this.streamChunks = List.copyOf(chunks);
    this.chunkDelayMs = delayMs;
    return this;
  }

  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void standard(Vertx v, HttpServerRequest req, Buffer body, HttpServerResponse resp) {
    JsonObject json = req.getHeader("Content-Type") != null && req.getHeader("Content-Type").contains("json")
        && body.length() > 0 ? body.toJsonObject() : new JsonObject();
    String model = json.getString("model", "unknown");
    String path = req.path();
    if (path.endsWith("/chat/completions") && Boolean.TRUE.equals(json.getValue("stream"))) {
      stream(resp);
    } else if (path.endsWith("/chat/completions")) {
      sendJson(resp, chat(model, json));
    } else if (path.endsWith("/completions")) {
      sendJson(resp, new JsonObject().put("id", "cmpl-fake").put("object", "text_completion").put("model", model)
          .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("text", "fake completion")
              .put("finish_reason", "stop")))
          .put("usage", usage(7, 3)));
    } else if (path.endsWith("/embeddings")) {
      sendJson(resp, new JsonObject().put("object", "list").put("model", model)
          .put("data", new JsonArray().add(new JsonObject().put("object", "embedding").put("index", 0)
              .put("embedding", new JsonArray().add(0.1).add(0.2).add(0.3))))
          .put("usage", new JsonObject().put("prompt_tokens", 4).put("total_tokens", 4)));
    } else if (path.endsWith("/moderations")) {
      sendJson(resp, new JsonObject().put("id", "modr-fake").put("model", model).put("results", new JsonArray()
          .add(new JsonObject().put("flagged", false).put("categories", new JsonObject())
              .put("category_scores", new JsonObject()))));
    } else if (path.endsWith("/images/generations")) {
      sendJson(resp, new JsonObject().put("created", 1700000000).put("data", new JsonArray()
          .add(new JsonObject().put("url", "https://images.example/fake.png").put("revised_prompt", "fake"))));
    } else if (path.endsWith("/audio/speech")) {
      resp.putHeader("Content-Type", "audio/mpeg").end(Buffer.buffer(SPEECH_BYTES));
    } else if (path.endsWith("/audio/transcriptions") || path.endsWith("/audio/translations")) {
      sendJson(resp, new JsonObject().put("text", "hello from the fake transcription"));
    } else if (path.endsWith("/rerank")) {
      sendJson(resp, new JsonObject().put("model", model).put("results", new JsonArray()
              .add(new JsonObject().put("index", 1).put("relevance_score", 0.91))
              .add(new JsonObject().put("index", 0).put("relevance_score", 0.12)))
          .put("usage", new JsonObject().put("total_tokens", 12)));
    } else {
      resp.setStatusCode(404).putHeader("Content-Type", "application/json").end(new JsonObject().put("error",
          new JsonObject().put("message", "no route " + path).put("type", "invalid_request_error")
              .putNull("param").put("code", "unknown_url")).encode());
    }
  }

  private static JsonObject chat(String model, JsonObject request) {
    JsonObject message = new JsonObject().put("role", "assistant");
    String finish = "stop";
    if (request.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
      String name = tools.getJsonObject(0).getJsonObject("function").getString("name");
      message.putNull("content").put("tool_calls", new JsonArray().add(new JsonObject().put("id", "call_fake1")
          .put("type", "function").put("function", new JsonObject().put("name", name)
              .put("arguments", "{\"city\":\"Paris\"}"))));
      finish = "tool_calls";
    } else {
      message.put("content", "Hello from the fake upstream");
    }
    return new JsonObject().put("id", "chatcmpl-fake").put("object", "chat.completion").put("created", 1700000000)
        .put("model", model).put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", message).putNull("logprobs").put("finish_reason", finish)))
        .put("usage", usage(11, 7));
  }

  private static JsonObject usage(int prompt, int completion) {
    return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
  }

  private void stream(HttpServerResponse resp) {
    resp.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
    resp.closeHandler(v -> {
      if (!resp.ended()) {
        cutStreams.incrementAndGet();
      }
    });
    List<String> chunks = streamChunks;
    long delay = chunkDelayMs;
    writeChunk(resp, chunks, 0, delay);
  }

  private void writeChunk(HttpServerResponse resp, List<String> chunks, int i, long delay) {
    if (resp.closed()) {
      return;
    }
    if (i == chunks.size()) {
      resp.end();
      return;
    }
    resp.write(chunks.get(i));
    if (delay <= 0) {
      writeChunk(resp, chunks, i + 1, delay);
    } else {
      vertx.setTimer(delay, id -> writeChunk(resp, chunks, i + 1, delay));
    }
  }

  /** A typical OpenAI chat stream: role, two content deltas, finish, usage chunk, [DONE]. */
  public static List<String> defaultChunks() {
    return List.of(
        chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
        chunk("{\"content\":\"Hello\"}", null),
        chunk("{\"content\":\" world\"}", null),
        chunk("{}", "stop"),
        "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
            + "\"model\":\"fake\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,"
            + "\"total_tokens\":11}}\n\n",
        "data: [DONE]\n\n");
  }

  /** One SSE chat chunk with the given delta JSON and finish reason. */
  public static String chunk(String delta, String finish) {
    return "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
        + "\"model\":\"fake\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
        + (finish == null ? "null" : "\"" + finish + "\"") + "}]}\n\n";
  }

  private static void sendJson(HttpServerResponse resp, JsonObject body) {
    resp.putHeader("Content-Type", "application/json").end(body.encode());
  }
}
