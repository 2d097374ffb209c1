package io.onegate.testkit.fake;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A fake upstream HTTP server on 127.0.0.1 (random port) that records every request as a {@link Call} and
 * answers with whatever its route gives: a status, a content type and the body in one or more chunks (each
 * written separately, to exercise framing across TCP writes), optionally after a delay. The route runs on the
 * server's event loop and must not block. Thread-safe.
 */
public final class FakeServer {

  /** One request as received. */
  public record Call(String method, String path, String query, MultiMap headers, Buffer body) {
    public String header(String name) {
      return headers.get(name);
    }

    /** The body as a JSON object, or null when it is not one. */
    public JsonObject json() {
      try {
        return body.length() == 0 ? null : new JsonObject(body);
      } catch (RuntimeException e) {
        return null;
      }
    }

    /** A query parameter, URL-decoded, or null when absent. */
    public String queryParam(String name) {
      if (query == null) {
        return null;
      }
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        if (key.equals(name)) {
          return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
        }
      }
      return null;
    }
  }

  /**
   * One canned answer: the body split into {@code chunks}, written after {@code delayMs}; with {@code keepOpen}
   * the response is never ended (an upstream that stalls mid-body).
   */
  public record Answer(int status, String contentType, List<Buffer> chunks, long delayMs, Map<String, String> headers,
                       boolean keepOpen) {
    public static Answer of(int status, String contentType, Buffer body) {
      return new Answer(status, contentType, List.of(body), 0, Map.of(), false);
    }

    public static Answer json(int status, JsonObject body) {
      return of(status, "application/json", body.toBuffer());
    }

    /** The body in {@code parts} chunks of uneven sizes. */
    public static Answer chunked(int status, String contentType, Buffer body, int parts) {
      List<Buffer> chunks = new ArrayList<>();
      int length = body.length();
      int start = 0;
      for (int i = 1; i <= parts && start < length; i++) {
        int end = i == parts ? length
            : Math.min(length, start + Math.max(1, (length * i * i) / (parts * parts) - start));
        chunks.add(body.getBuffer(start, end));
        start = end;
      }
      return new Answer(status, contentType, chunks, 0, Map.of(), false);
    }

    public Answer delayed(long millis) {
      return new Answer(status, contentType, chunks, millis, headers, keepOpen);
    }

    public Answer withHeader(String name, String value) {
      Map<String, String> copy = new java.util.HashMap<>(headers);
      copy.put(name, value);
      return new Answer(status, contentType, chunks, delayMs, Map.copyOf(copy), keepOpen);
    }

    /** This answer's chunks, then silence: the response stays open until the client resets it. */
    public Answer thenStall() {
      return new Answer(status, contentType, chunks, delayMs, headers, true);
    }
  }

  private final Vertx vertx;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile Function<Call, Answer> route;
  private HttpServer server;

  private FakeServer(Vertx vertx, Function<Call, Answer> route) {
    this.vertx = vertx;
    this.route = route;
  }

  /** Starts a server answering with {@code route}. */
  public static Future<FakeServer> start(Vertx vertx, Function<Call, Answer> route) {
    FakeServer fake = new FakeServer(vertx, route);
    return vertx.createHttpServer().requestHandler(fake::handle).listen(0, "127.0.0.1").map(s -> {
      fake.server = s;
      return fake;
    });
  }

  /** Replaces the route for the following requests. */
  public void route(Function<Call, Answer> next) {
    this.route = next;
  }

  public List<Call> calls() {
    return calls;
  }

  public int port() {
    return server.actualPort();
  }

  /** {@code http://127.0.0.1:port}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      Call call = new Call(request.method().name(), request.path(), request.query(),
          MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body);
      calls.add(call);
      Answer answer;
      try {
        answer = route.apply(call);
      } catch (RuntimeException e) {
        answer = Answer.of(500, "text/plain", Buffer.buffer("fake route failed: " + e));
      }
      Answer chosen = answer;
      if (chosen.delayMs() > 0) {
        vertx.setTimer(chosen.delayMs(), id -> write(request.response(), chosen));
      } else {
        write(request.response(), chosen);
      }
    });
  }

  private static void write(HttpServerResponse response, Answer answer) {
    response.setStatusCode(answer.status()).putHeader("content-type", answer.contentType()).setChunked(true);
    answer.headers().forEach(response::putHeader);
    Future<Void> written = Future.succeededFuture();
    for (Buffer chunk : answer.chunks()) {
      written = written.compose(v -> response.write(chunk));
    }
    if (!answer.keepOpen()) {
      written.onComplete(v -> response.end());
    }
  }
}
