package io.onegate.providers.contract;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.onegate.providers.spi.UpstreamRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fake provider: a real Vert.x HTTP server on 127.0.0.1, port 0, that records every request and answers with
 * whatever the test's {@link #route} says (documented wire bytes from cassettes, in several chunks). Also the
 * client side: {@link #send} performs an adaptor's {@link UpstreamRequest} with a Vert.x HttpClient.
 */
public abstract class FakeUpstream {
  /** One request the fake received. */
  public record Call(String method, String path, String query, MultiMap headers, Buffer body) {
    public String header(String name) {
      return headers.get(name);
    }
  }

  /** One canned answer: status, content type and the body split into chunks (written with flushes between). */
  public record Answer(int status, String contentType, List<Buffer> chunks) {
    public static Answer of(int status, String contentType, Buffer body) {
      return new Answer(status, contentType, List.of(body));
    }

    /** The body in {@code parts} chunks of uneven sizes, to exercise framing across TCP writes. */
    public static Answer chunked(int status, String contentType, Buffer body, int parts) {
      List<Buffer> chunks = new java.util.ArrayList<>();
      int length = body.length();
      int start = 0;
      for (int i = 1; i <= parts && start < length; i++) {
        int end = i == parts ? length : Math.min(length, start + Math.max(1, (length * i * i) / (parts * parts) - start));
        chunks.add(body.getBuffer(start, end));
        start = end;
      }
      return new Answer(status, contentType, chunks);
    }
  }

  /** What the client side received. */
  public record Received(int status, MultiMap headers, Buffer body) {
  }

  protected static Vertx vertx;
  protected static HttpServer server;
  protected static HttpClient http;
  protected static final List<Call> calls = new CopyOnWriteArrayList<>();
  protected static volatile Function<Call, Answer> route = call -> Answer.of(500, "text/plain", Buffer.buffer("no route"));

  @BeforeAll
  static void startFakeUpstream() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(FakeUpstream::handle).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    http = vertx.createHttpClient();
  }

  @AfterAll
  static void stopFakeUpstream() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void clearCalls() {
    calls.clear();
  }

  protected static String fakeBaseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  private static void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      Call call = new Call(request.method().name(), request.path(), request.query(),
          MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body);
      calls.add(call);
      Answer answer = route.apply(call);
      var response = request.response().setStatusCode(answer.status()).putHeader("content-type",
          answer.contentType()).setChunked(true);
      Future<Void> written = Future.succeededFuture();
      for (Buffer chunk : answer.chunks()) {
        written = written.compose(v -> response.write(chunk));
      }
      written.onComplete(v -> response.end());
    });
  }

  /** Performs the request and collects the whole answer. */
  protected static Received send(UpstreamRequest request) throws Exception {
    return exchange(request, null);
  }

  /** Performs the request, handing every received chunk to {@code onChunk} on the event loop as it arrives. */
  protected static Received exchange(UpstreamRequest request, Consumer<Buffer> onChunk) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(request.method()))
        .setAbsoluteURI(request.url());
    request.headers().forEach(options::putHeader);
    Buffer body = request.body() == null ? Buffer.buffer() : request.body();
    // Run on one event-loop context so the response handlers are set before any body chunk is delivered.
    Promise<Received> result = Promise.promise();
    vertx.runOnContext(ignored -> http.request(options).compose(r -> r.send(body)).compose(response -> {
      Promise<Received> done = Promise.promise();
      Buffer all = Buffer.buffer();
      response.handler(chunk -> {
        all.appendBuffer(chunk);
        if (onChunk != null) {
          onChunk.accept(chunk);
        }
      });
      response.exceptionHandler(done::tryFail);
      response.endHandler(v -> done.tryComplete(new Received(response.statusCode(), response.headers(), all)));
      return done.future();
    }).onComplete(result));
    return result.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
