package io.onegate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.onegate.common.balance.BalanceLeases;
import io.onegate.common.balance.LiveBalances;
import io.onegate.common.cluster.HazelcastSetup;
import io.onegate.common.config.Config;
import io.onegate.common.domain.Channel;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.options.Options;
import io.onegate.embedded.FreePorts;
import io.onegate.gateway.state.ChannelHoldView;
import io.onegate.gateway.state.Snapshot;
import io.onegate.gateway.state.TokenRecord;
import io.onegate.gateway.state.UserRecord;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.Usage;
import io.onegate.testkit.Eventually;
import io.onegate.testkit.RecordingUsageSink;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Admission and settlement without HTTP: {@link AdmitFilter} → {@link SettleFilter} → a scripted last filter,
 * over real live balances (one Hazelcast member, leases off so every step is visible at once) and a
 * {@link RecordingUsageSink}. gpt-3.5-turbo (ratio 0.25, completion ratio 3) throughout.
 */
class AdmissionTest {
  private static HazelcastInstance hz;
  private static Vertx vertx;
  private static Context context;
  private static LiveBalances live;
  private static RelayServices services;
  private static final RecordingUsageSink SINK = new RecordingUsageSink();
  private static final AtomicInteger IDS = new AtomicInteger(100);
  private static final Channel CHANNEL = new Channel(5, 1, "k", 1, "c", 1, "", List.of("gpt-3.5-turbo"),
      List.of("default"), Map.of(), 0, Map.of(), "", "");
  private final List<String> order = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    String port = Integer.toString(FreePorts.find());
    Config config = Config.of(Map.of("SQL_DSN", "postgres://unused", "HAZELCAST_CLUSTER_NAME",
        "admission-" + UUID.randomUUID(), "HAZELCAST_PORT", port, "HAZELCAST_MEMBERS", "127.0.0.1:" + port,
        "HAZELCAST_INTERFACE", "127.0.0.1"));
    hz = Hazelcast.newHazelcastInstance(HazelcastSetup.memberConfig(config));
    live = new LiveBalances(hz);
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    services = new RelayServices(null, null, null, null, null,
        new BalanceLeases(live, BalanceLeases.Policy.disabled(), System::nanoTime), SINK, null, Clock.systemUTC(),
        new Random(1), 1 << 20, ChannelHoldView.detached(Clock.systemUTC()));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    hz.shutdown();
  }

  @BeforeEach
  void clear() {
    SINK.clear();
    SINK.onUsage(e -> order.add("usage event"));
  }

  /** A request of a user with {@code quota} (token limited to {@code tokenRemain}, or unlimited when -1). */
  private static RelayContext request(long quota, long tokenRemain, long estimate) {
    int userId = IDS.incrementAndGet();
    UserRecord user = new UserRecord(userId, "u" + userId, 1, 1, quota, "default", 0);
    TokenRecord token = new TokenRecord(userId, userId, "key" + userId, 1, "t", -1, Math.max(0, tokenRemain),
        tokenRemain < 0, Set.of(), List.of(), "", 0);
    Snapshot snapshot = Snapshot.of(List.of(token), List.of(user), List.of(CHANNEL), Options.defaults(),
        new io.onegate.common.crypto.TokenVault("admission-test-secret"));
    JsonObject body = new JsonObject().put("model", "gpt-3.5-turbo");
    RelayRequest parsed = new RelayRequest(Endpoint.CHAT_COMPLETIONS, "gpt-3.5-turbo", false, 0,
        new ClientRequest(body.toBuffer(), "application/json", body));
    return RelayContext.start("req-" + userId, context, snapshot, null, Endpoint.CHAT_COMPLETIONS, null, null,
            body.toBuffer(), null)
        .withCaller(new Caller(token, user, 0)).withRequest(parsed)
        .withPrice(snapshot.prices().price("gpt-3.5-turbo", 1, "default").orElseThrow(), 10, estimate);
  }

  /** Runs admit → settle → {@code last} on the request's event loop. */
  private static RelayResult run(RelayContext ctx, RelayFilter last) throws Exception {
    RelayChain chain = RelayChain.of(List.of(new AdmitFilter(services), new SettleFilter(services), last));
    Promise<RelayResult> done = Promise.promise();
    context.runOnContext(v -> chain.proceed(ctx).onComplete(done));
    return done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A last filter delivering {@code usage}; its held-back end records when it runs. */
  private RelayFilter delivering(Usage usage, long[] reservedSeen) {
    return (ctx, next) -> {
      reservedSeen[0] = ctx.reserved();
      AttemptResult delivered = AttemptResult.delivered(200, usage, ClientFinish.of(() -> order.add("finish")));
      return Future.succeededFuture(RelayResult.attempted(CHANNEL,
          new AttemptSpec(CHANNEL, Endpoint.CHAT_COMPLETIONS, "gpt-3.5-turbo", "gpt-3.5-turbo", false), delivered));
    };
  }

  private static long available(int userId) throws Exception {
    return live.availableUser(context, userId).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anAdmittedRequestReservesItsEstimateAndSettlesToItsChargeBeforeTheAnswerEnds() throws Exception {
    RelayContext ctx = request(1000, -1, 200);
    long[] reserved = {-1};
    RelayResult result = run(ctx, delivering(new Usage(1000, 500, Usage.Source.REPORTED), reserved));
    assertThat(result.isRefusal()).isFalse();
    assertThat(reserved[0]).as("the attempts ran with the estimate reserved").isEqualTo(200);
    UsageEvent event = SINK.takeUsage();
    assertThat(event.quota()).isEqualTo(625);         // (1000 + 500 × 3) × 0.25
    assertThat(event.preConsumed()).isEqualTo(200);
    assertThat(event.status()).isEqualTo("success");
    assertThat(event.channelId()).isEqualTo(CHANNEL.id());
    assertThat(order).containsExactly("usage event", "finish");
    SINK.assertNothingElse();
    int user = ctx.caller().user().id();
    Eventually.eventually(Duration.ofSeconds(5), () -> assertThat(available(user)).isEqualTo(1000 - 625));
  }

  @Test
  void anEstimateTheBalanceDoesNotCoverIsRefusedWithoutAnEventOrAReservation() throws Exception {
    RelayContext ctx = request(100, -1, 200);
    RelayResult result = run(ctx, (c, next) -> {
      throw new AssertionError("a refused request never reaches the attempts");
    });
    assertThat(result.refusal()).isEqualTo(GatewayError.INSUFFICIENT_QUOTA);
    assertThat(result.refusalArgs()).containsExactly(200L);
    SINK.assertNothingElse();
    assertThat(available(ctx.caller().user().id())).isEqualTo(100);
  }

  @Test
  void aLimitedTokenWithLessThanTheEstimateIsRefusedEvenWhenItsOwnerCouldPay() throws Exception {
    RelayContext ctx = request(1_000_000, 150, 200);
    RelayResult result = run(ctx, (c, next) -> {
      throw new AssertionError("a refused request never reaches the attempts");
    });
    assertThat(result.refusal()).isEqualTo(GatewayError.INSUFFICIENT_QUOTA);
    assertThat(available(ctx.caller().user().id())).as("the user's part was given back").isEqualTo(1_000_000);
  }

  @Test
  void nothingDeliveredReleasesTheReservationWithAFailedEvent() throws Exception {
    RelayContext ctx = request(1000, -1, 200);
    RelayResult result = run(ctx, (c, next) -> Future.succeededFuture(RelayResult.attempted(CHANNEL,
        new AttemptSpec(CHANNEL, Endpoint.CHAT_COMPLETIONS, "gpt-3.5-turbo", "gpt-3.5-turbo", false),
        AttemptResult.failed(GatewayError.UPSTREAM_UNREACHABLE.failure(
            io.onegate.common.error.FailureClass.TRANSIENT, "refused")))));
    assertThat(result.attempt().kind()).isEqualTo(AttemptResult.Kind.FAILED);
    UsageEvent event = SINK.takeUsage();
    assertThat(event.status()).isEqualTo("failed");
    assertThat(event.quota()).isZero();
    assertThat(event.promptTokens()).isZero();
    SINK.assertNothingElse();
    int user = ctx.caller().user().id();
    Eventually.eventually(Duration.ofSeconds(5), () -> assertThat(available(user)).isEqualTo(1000));
  }

  @Test
  void aFailureInsideTheAttemptsIsStillSettledOnce() throws Exception {
    RelayContext ctx = request(1000, -1, 200);
    RelayResult result = run(ctx, (c, next) -> Future.failedFuture(new IllegalStateException("bug")));
    assertThat(result.attempt().failure().httpStatus()).isEqualTo(500);
    UsageEvent event = SINK.takeUsage();
    assertThat(event.status()).isEqualTo("failed");
    assertThat(event.quota()).isZero();
    SINK.assertNothingElse();
    int user = ctx.caller().user().id();
    Eventually.eventually(Duration.ofSeconds(5), () -> assertThat(available(user)).isEqualTo(1000));
  }

  @Test
  void aClientThatLeftIsBilledForWhatItReceived() throws Exception {
    RelayContext ctx = request(1000, -1, 200);
    run(ctx, (c, next) -> Future.succeededFuture(RelayResult.attempted(CHANNEL,
        new AttemptSpec(CHANNEL, Endpoint.CHAT_COMPLETIONS, "gpt-3.5-turbo", "gpt-3.5-turbo", true),
        AttemptResult.aborted(new Usage(10, 20, Usage.Source.ESTIMATED)))));
    UsageEvent event = SINK.takeUsage();
    assertThat(event.status()).isEqualTo("client_aborted");
    assertThat(event.quota()).isEqualTo(18);          // ceil((10 + 20 × 3) × 0.25) = ceil(17.5)
    SINK.assertNothingElse();
  }
}
