package io.onegate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.common.options.Options;
import io.onegate.gateway.state.AbilityIndex;
import io.onegate.gateway.state.ChannelHoldView;
import io.onegate.gateway.state.Snapshot;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.Usage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attempt loop over a {@link Route}: {@link RetryFilter} in front of a scripted last filter, inside a real
 * HTTP exchange (the client link is a live response). Tiers: channels 1 and 2 at priority 10, 3 at priority 5.
 */
class RetryFilterTest {
  private static final Channel C1 = ch(1, 10);
  private static final Channel C2 = ch(2, 10);
  private static final Channel C3 = ch(3, 5);
  private static Vertx vertx;
  private static HttpServer server;
  private static volatile Function<RelayContext, Future<RelayResult>> scenario;

  private static Channel ch(int id, long priority) {
    return new Channel(id, 1, "k", 1, "c" + id, 1, "", List.of("m"), List.of("default"), Map.of(), priority,
        Map.of(), "", "");
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> {
      RelayContext ctx = RelayContext.start("r", vertx.getOrCreateContext(), null,
          new ClientLink(req.response()), Endpoint.CHAT_COMPLETIONS, req.headers(), null, null, null);
      scenario.apply(ctx).onComplete(ar -> req.response().end(ar.succeeded() ? "ok" : "failed"));
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Runs RetryFilter → last filter answering per channel, with {@code retryTimes}; the channels tried, in order. */
  private static List<Integer> attempts(long retryTimes, boolean pinned, Map<Integer, FailureClass> failures,
                                        RelayResult[] last) throws Exception {
    Snapshot snapshot = Snapshot.of(List.of(), List.of(), List.of(C1, C2, C3),
        Options.of(Map.of("RetryTimes", Long.toString(retryTimes))),
        new io.onegate.common.crypto.TokenVault("retry-filter-test-secret"));
    Route route = new Route(pinned ? List.of(new AbilityIndex.Tier(10, List.of(C2)))
        : snapshot.abilities().tiers("default", "m"), pinned, Set.of());
    List<Integer> tried = new CopyOnWriteArrayList<>();
    RelayChain chain = RelayChain.of(List.of(new RetryFilter(new RelayServices(null, null, null, null, null, null,
        null, null, Clock.systemUTC(), new Random(3), 0, ChannelHoldView.detached(Clock.systemUTC()))), (ctx, next) -> {
          tried.add(ctx.channel().id());
          assertThat(ctx.attempt()).isEqualTo(tried.size() - 1);
          FailureClass failure = failures.get(ctx.channel().id());
          AttemptResult result = failure == null
              ? AttemptResult.delivered(200, new Usage(1, 1, Usage.Source.REPORTED), ClientFinish.NONE)
              : AttemptResult.failed(GatewayError.UPSTREAM_UNREACHABLE.failure(failure, "scripted"));
          return Future.succeededFuture(RelayResult.attempted(ctx.channel(),
              new AttemptSpec(ctx.channel(), Endpoint.CHAT_COMPLETIONS, "m", "m", false), result));
        }));
    Promise<RelayResult> done = Promise.promise();
    scenario = start -> {
      RelayContext ctx = new RelayContext(start.requestId(), start.startNanos(), start.vertxContext(), snapshot,
          start.client(), start.endpoint(), start.headers(), null, null, null, null,
          new RelayRequest(Endpoint.CHAT_COMPLETIONS, "m", false, 0, null), route, null, 0, 0, 0, null, null, 0);
      return chain.proceed(ctx).onComplete(done);
    };
    vertx.createHttpClient().request(io.vertx.core.http.HttpMethod.POST, server.actualPort(), "127.0.0.1", "/")
        .compose(r -> r.send()).compose(r -> r.body());
    last[0] = done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return tried;
  }

  @Test
  void retriesAFixableFailureOnTheOtherChannelOfTheTierNeverTheSameOne() throws Exception {
    RelayResult[] last = new RelayResult[1];
    List<Integer> tried = attempts(1, false, Map.of(1, FailureClass.TRANSIENT, 2, FailureClass.TRANSIENT), last);
    assertThat(tried).hasSize(2).containsOnly(1, 2).doesNotHaveDuplicates();
    assertThat(last[0].attempt().kind()).as("the last attempt's result").isEqualTo(AttemptResult.Kind.FAILED);
  }

  @Test
  void fallsToTheLowerPriorityOnlyWhenTheTopTierIsUsedUp() throws Exception {
    RelayResult[] last = new RelayResult[1];
    List<Integer> tried = attempts(2, false, Map.of(1, FailureClass.RATE_LIMITED, 2, FailureClass.TIMEOUT), last);
    assertThat(tried).hasSize(3);
    assertThat(tried.subList(0, 2)).containsOnly(1, 2);
    assertThat(tried.get(2)).isEqualTo(3);
    assertThat(last[0].attempt().kind()).isEqualTo(AttemptResult.Kind.DELIVERED);
    assertThat(last[0].channel()).isEqualTo(C3);
  }

  @Test
  void stopsAtOnePlusRetryTimesAndNeverRetriesAClient400OrAPinnedChannel() throws Exception {
    RelayResult[] last = new RelayResult[1];
    Map<Integer, FailureClass> allFail = Map.of(1, FailureClass.TRANSIENT, 2, FailureClass.TRANSIENT,
        3, FailureClass.TRANSIENT);
    assertThat(attempts(0, false, allFail, last)).hasSize(1);
    assertThat(attempts(5, false, allFail, last)).as("three candidates only").hasSize(3);
    assertThat(attempts(5, false, Map.of(1, FailureClass.BAD_REQUEST, 2, FailureClass.BAD_REQUEST), last))
        .hasSize(1);
    assertThat(attempts(5, true, allFail, last)).containsExactly(2);
  }
}
