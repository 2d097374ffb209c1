package io.onegate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.providers.ali.AliAdaptor;
import io.onegate.providers.openai.OpenAiStreamObserver;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.Framing;
import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.UpstreamRequest;
import io.onegate.providers.spi.Usage;
import io.onegate.providers.transport.UpstreamClient;
import io.onegate.testkit.fake.Cassettes;
import io.onegate.testkit.fake.FakeServer;
import io.onegate.testkit.fake.FakeServer.Answer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamRelay} between a real client connection and a scripted upstream ({@link FakeServer}), with the
 * stream idle timeout and the first-byte timeout at 300 ms: bytes passed through unchanged, {@code [DONE]} appended or kept, the end held back
 * until the result's {@link ClientFinish} runs, idle cuts, client aborts, failures before any byte, and a
 * translated dialect's error inside its stream.
 */
class StreamRelayTest {
  private static final String DONE = "data: [DONE]\n\n";
  private static final Channel ALI = new Channel(1, 17, "k", 1, "ali", 1, "", List.of("qwen-turbo"),
      List.of("default"), Map.of(), 0, Map.of(), "", "");
  private static Vertx vertx;
  private static FakeServer upstreamServer;
  private static UpstreamClient upstream;
  private static HttpServer gateway;
  private static volatile Answer answer;
  private static volatile Supplier<StreamTranslator> translator;
  private static volatile boolean passThrough;
  private static volatile Promise<Relayed> relayed;
  private static volatile long idleMillis = 300;
  private static volatile long firstByteMillis = 300;

  /**
   * What the relay produced, the client response's state when it did (before the finish ran) and the bytes written
   * by the end (bytesWritten counts the chunked framing too, so only differences of it are compared).
   */
  record Relayed(AttemptResult result, boolean endedAtResult, long bytesAtResult, Future<Long> bytesAtEnd) {
    long writtenByTheFinish() throws Exception {
      return await(bytesAtEnd) - bytesAtResult;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstreamServer = await(FakeServer.start(vertx, call -> answer));
    upstream = new UpstreamClient(vertx, new UpstreamClient.Settings(Duration.ofSeconds(5), Duration.ofSeconds(5),
        Duration.ofSeconds(20), 4));
    gateway = await(vertx.createHttpServer().requestHandler(req -> {
      HttpServerResponse response = req.response();
      ClientLink client = new ClientLink(response);
      Promise<Relayed> done = relayed;
      Promise<Long> ended = Promise.promise();
      response.endHandler(v -> ended.tryComplete(response.bytesWritten()));
      long firstChunk = System.nanoTime() + firstByteMillis * 1_000_000;
      upstream.send(new UpstreamRequest("POST", upstreamServer.baseUrl() + "/stream", Map.of(), Buffer.buffer()),
              UpstreamClient.Limits.UNBOUNDED, client::onClose)
          .compose(call -> new StreamRelay(client, call, translator.get(), passThrough,
              Framing.SSE, t -> t.usage().reported() ? t.usage()
                  : new Usage(5, t.deliveredText().length(), Usage.Source.ESTIMATED), vertx,
              new StreamRelay.Timeouts(firstChunk, "UPSTREAM_FIRST_BYTE_TIMEOUT = " + firstByteMillis + " ms",
                  idleMillis, "STREAM_IDLE_TIMEOUT = " + idleMillis + " ms")).run())
          .onSuccess(result -> {
            done.tryComplete(new Relayed(result, response.ended(), response.bytesWritten(), ended.future()));
            result.finish().run();
            if (!response.ended() && !response.closed()) {
              response.setStatusCode(502).end("failed before any byte");
            }
          })
          .onFailure(done::tryFail);
    }).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Relays {@code upstreamAnswer} to a client that reads it all; returns the relay's outcome and the body. */
  private static Object[] relay(Answer upstreamAnswer, Supplier<StreamTranslator> dialect, boolean openAi)
      throws Exception {
    answer = upstreamAnswer;
    translator = dialect;
    passThrough = openAi;
    relayed = Promise.promise();
    HttpClient client = vertx.createHttpClient();
    String body = await(client.request(HttpMethod.POST, gateway.actualPort(), "127.0.0.1", "/")
        .compose(req -> req.send().compose(r -> r.body().map(Buffer::toString))));
    client.close();
    return new Object[] {await(relayed.future()), body};
  }

  private static String cassette(String provider, String name) {
    return Cassettes.load(provider, name).toString();
  }

  @Test
  void openAiBytesPassUnchangedAndTheDoneChunkIsHeldBackUntilTheFinish() throws Exception {
    String sse = cassette("openai", "chat-stream-usage.sse");
    Object[] out = relay(Answer.chunked(200, "text/event-stream", Buffer.buffer(sse), 6),
        OpenAiStreamObserver::new, true);
    Relayed r = (Relayed) out[0];
    assertThat(out[1]).isEqualTo(sse);
    assertThat(sse).endsWith(DONE);
    assertThat(r.result().kind()).isEqualTo(AttemptResult.Kind.DELIVERED);
    assertThat(r.result().usage()).isEqualTo(new Usage(12, 9, Usage.Source.REPORTED));
    assertThat(r.endedAtResult()).isFalse();
    assertThat(r.writtenByTheFinish()).as("the chunk completing [DONE] waits for the finish")
        .isGreaterThanOrEqualTo(DONE.length());
  }

  @Test
  void doneIsAppendedWhenTheUpstreamEndsWithoutIt() throws Exception {
    String sse = cassette("openai", "chat-stream.sse");
    String withoutDone = sse.substring(0, sse.indexOf("data: [DONE]"));
    Object[] out = relay(Answer.chunked(200, "text/event-stream", Buffer.buffer(withoutDone), 3),
        OpenAiStreamObserver::new, true);
    Relayed r = (Relayed) out[0];
    assertThat(out[1]).isEqualTo(withoutDone + DONE);
    assertThat(r.endedAtResult()).isFalse();
    assertThat(r.writtenByTheFinish()).isGreaterThanOrEqualTo(DONE.length());
    assertThat(r.result().usage().source()).as("no usage chunk: estimated").isEqualTo(Usage.Source.ESTIMATED);
  }

  @Test
  void anUpstreamGoingQuietAfterBytesIsCutWithAnErrorEventAndNoDone() throws Exception {
    String sse = cassette("openai", "chat-stream.sse");
    String first = sse.substring(0, sse.indexOf("\n\n") + 2);
    Object[] out = relay(Answer.of(200, "text/event-stream", Buffer.buffer(first)).thenStall(),
        OpenAiStreamObserver::new, true);
    Relayed r = (Relayed) out[0];
    assertThat(r.result().kind()).isEqualTo(AttemptResult.Kind.TRUNCATED);
    assertThat(r.result().failure().failureClass()).isEqualTo(FailureClass.TIMEOUT);
    String body = (String) out[1];
    assertThat(body).startsWith(first).contains("upstream_timeout").contains("STREAM_IDLE_TIMEOUT")
        .doesNotContain("[DONE]");
    assertThat(r.writtenByTheFinish()).as("the error event waits for the finish")
        .isGreaterThanOrEqualTo(body.length() - first.length());
  }

  @Test
  void anUpstreamQuietBeforeAnyByteFailsRetryablyOnTheFirstByteTimeoutWithNothingWritten() throws Exception {
    Object[] out = relay(Answer.of(200, "text/event-stream", Buffer.buffer()).thenStall(),
        OpenAiStreamObserver::new, true);
    Relayed r = (Relayed) out[0];
    assertThat(r.result().kind()).isEqualTo(AttemptResult.Kind.FAILED);
    assertThat(r.result().failure().failureClass()).isEqualTo(FailureClass.TIMEOUT);
    assertThat(r.result().failure().clientError().getString("message"))
        .as("the wait for the first chunk is the first-byte timeout's, not the idle timeout's")
        .contains("UPSTREAM_FIRST_BYTE_TIMEOUT").doesNotContain("STREAM_IDLE_TIMEOUT");
    assertThat(r.result().failure().failureClass().retryOnAnotherChannel()).isTrue();
    assertThat(r.bytesAtResult()).isZero();
    assertThat(r.endedAtResult()).isFalse();
    assertThat(r.result().usage()).isEqualTo(Usage.NONE);
  }

  @Test
  void aClientLeavingMidStreamIsAnAbortBilledForWhatItReceived() throws Exception {
    String sse = cassette("openai", "chat-stream.sse");
    String first = sse.substring(0, sse.indexOf("\n\n", sse.indexOf("\n\n") + 2) + 2);
    answer = Answer.of(200, "text/event-stream", Buffer.buffer(first)).thenStall();
    idleMillis = 10_000; // the client leaves long before the upstream would be cut
    translator = OpenAiStreamObserver::new;
    passThrough = true;
    relayed = Promise.promise();
    HttpClient client = vertx.createHttpClient();
    Promise<Void> firstBytes = Promise.promise();
    var response = await(client.request(HttpMethod.POST, gateway.actualPort(), "127.0.0.1", "/")
        .compose(req -> req.send().map(resp -> resp.handler(b -> firstBytes.tryComplete()))));
    await(firstBytes.future());
    await(response.request().connection().close());
    Relayed r = await(relayed.future());
    idleMillis = 300;
    assertThat(r.result().kind()).isEqualTo(AttemptResult.Kind.CLIENT_ABORTED);
    assertThat(r.result().usage().source()).isEqualTo(Usage.Source.ESTIMATED);
    assertThat(r.result().usage().completionTokens()).as("the delivered text counted").isPositive();
    client.close();
  }

  @Test
  void aTranslatedDialectsErrorInsideItsStreamEndsItAtTheFinishWithoutDone() throws Exception {
    AttemptSpec spec = new AttemptSpec(ALI, Endpoint.CHAT_COMPLETIONS, "qwen-turbo", "qwen-turbo", true);
    AliAdaptor ali = new AliAdaptor();
    Object[] out = relay(Answer.of(200, "text/event-stream", Cassettes.load("ali", "chat-stream-error.sse")),
        () -> ali.streamTranslator(spec), false);
    Relayed r = (Relayed) out[0];
    assertThat(r.result().kind()).isEqualTo(AttemptResult.Kind.TRUNCATED);
    assertThat(r.result().failure().failureClass()).isEqualTo(FailureClass.BAD_REQUEST);
    assertThat(r.endedAtResult()).isFalse();
    String body = (String) out[1];
    assertThat(body).startsWith("data: {\"error\":").contains("DataInspectionFailed").doesNotContain("[DONE]");
    assertThat(r.writtenByTheFinish()).as("the error event waits for the finish")
        .isGreaterThanOrEqualTo(body.length());
  }
}
