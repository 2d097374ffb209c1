package io.onegate.providers.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.providers.spi.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relay's deadlines of an upstream exchange ({@link UpstreamClient.Limits}) against a real server: a silent
 * upstream is reset at the first-byte deadline or at the whole deadline, whichever comes first, and a body still
 * streaming at the whole deadline is cut; the failure names the limit. No idle timeout applies to a relayed call.
 */
class UpstreamClientLimitsTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static UpstreamClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      switch (req.path()) {
        case "/silent" -> { } // never answers
        case "/trickle" -> {   // answers the head, then a byte every 100 ms for ever
          req.response().setChunked(true).putHeader("Content-Type", "text/plain").write("x");
          vertx.setPeriodic(100, id -> {
            if (req.response().closed()) {
              vertx.cancelTimer(id);
            } else {
              req.response().write("x");
            }
          });
        }
        default -> vertx.setTimer(700, id -> req.response().end("late but whole"));
      }
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // an idle timeout of 200 ms in the settings: relayed calls must not use it
    client = new UpstreamClient(vertx, new UpstreamClient.Settings(Duration.ofSeconds(2), Duration.ofMillis(200),
        Duration.ZERO, 8));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static UpstreamRequest get(String path) {
    return new UpstreamRequest("GET", "http://127.0.0.1:" + server.actualPort() + path, Map.of(), null);
  }

  private static long in(long millis) {
    return System.nanoTime() + millis * 1_000_000;
  }

  private static Throwable failure(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void aSilentUpstreamIsResetAtTheEarlierDeadlineNamingIt() throws Exception {
    long t0 = System.nanoTime();
    Throwable firstByte = failure(client.send(get("/silent"),
        new UpstreamClient.Limits(in(300), "FIRST", in(5_000), "WHOLE"), reset -> { }));
    assertThat(firstByte).isInstanceOf(TimeoutException.class).hasMessage("FIRST");
    assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(250L, 3_000L);
    Throwable whole = failure(client.send(get("/silent"),
        new UpstreamClient.Limits(UpstreamClient.Limits.NONE, "FIRST", in(300), "WHOLE"), reset -> { }));
    assertThat(whole).isInstanceOf(TimeoutException.class).hasMessage("WHOLE");
  }

  @Test
  void aBodyStillStreamingAtTheWholeDeadlineIsCutAndASlowAnswerWithinItIsWhole() throws Exception {
    UpstreamCall call = client.send(get("/trickle"),
        new UpstreamClient.Limits(in(2_000), "FIRST", in(500), "WHOLE"), reset -> { })
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(failure(call.readAll(1 << 20))).isInstanceOf(TimeoutException.class).hasMessage("WHOLE");
    assertThat(call.expiredLimit()).isEqualTo("WHOLE");
    // 700 ms of silence before the head: longer than the settings' 200 ms idle timeout, which relayed calls ignore
    UpstreamCall slow = client.send(get("/slow"), UpstreamClient.Limits.UNBOUNDED, reset -> { })
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(slow.readAll(1 << 20).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(Buffer.buffer("late but whole"));
    assertThat(slow.expiredLimit()).isNull();
  }
}
