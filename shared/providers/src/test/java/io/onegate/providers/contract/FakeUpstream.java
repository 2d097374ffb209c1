package io.onegate.providers.contract;

import io.onegate.providers.spi.UpstreamRequest;
import io.onegate.testkit.fake.FakeServer;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract's fake provider: the test kit's {@link FakeServer} (a real Vert.x HTTP server on 127.0.0.1 that
 * records every request and answers with whatever {@link #route} says), plus the client side: {@link #send}
 * performs an adaptor's {@link UpstreamRequest} with a Vert.x HttpClient.
 */
public abstract class FakeUpstream {
  /** What the client side received. */
  public record Received(int status, MultiMap headers, Buffer body) {
  }

  protected static Vertx vertx;
  protected static FakeServer server;
  protected static HttpClient http;
  protected static volatile Function<FakeServer.Call, FakeServer.Answer> route =
      call -> FakeServer.Answer.of(500, "text/plain", Buffer.buffer("no route"));

  @BeforeAll
  static void startFakeUpstream() throws Exception {
    vertx = Vertx.vertx();
    server = FakeServer.start(vertx, call -> route.apply(call)).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    http = vertx.createHttpClient();
  }

  @AfterAll
  static void stopFakeUpstream() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void clearCalls() {
    server.calls().clear();
  }

  /** Requests the fake received in this test. */
  protected static List<FakeServer.Call> calls() {
    return server.calls();
  }

  protected static String fakeBaseUrl() {
    return server.baseUrl();
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
