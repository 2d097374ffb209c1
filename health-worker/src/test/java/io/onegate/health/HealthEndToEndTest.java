package io.onegate.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import io.onegate.common.cluster.ChannelHold;
import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.crypto.KeyCipher;
import io.onegate.common.domain.ChangeNotice;
import io.onegate.common.error.FailureClass;
import io.onegate.common.event.AttemptOutcome;
import io.onegate.common.kafka.KafkaSupport;
import io.onegate.common.kafka.Topics;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.health.notify.WebhookNotifier;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two health workers (two Hazelcast members) and an observer member playing a gateway node, on the real
 * PostgreSQL, Kafka and Hazelcast, with a fake OpenAI-compatible upstream. Phases run in order on shared state:
 * outcome-driven disable and its propagation (20 trials), scheduled-test re-enable after recovery, manual
 * disable respected, a circuit breaker opened by transient failures and closed by its probe, leader failover
 * without a round running twice.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthEndToEndTest {
  private static final String VICTIM_KEY = "sk-victim-0123456789abcdef";
  private static final String HEALTHY_KEY = "sk-healthy-0123456789abcdef";
  private static final String MANUAL_KEY = "sk-manual-0123456789abcdef";
  private static final int PERIOD_SECONDS = 2;

  private static Config config;
  private static FakeOpenAi fake;
  private static ProcessRuntime workerA;
  private static ProcessRuntime workerB;
  private static ProcessRuntime observer;
  private static HealthWorkerApplication appA;
  private static HealthWorkerApplication appB;
  private static KafkaProducer<String, String> producer;
  private static final LinkedBlockingQueue<long[]> notices = new LinkedBlockingQueue<>(); // {channelId, nanoTime}
  private static int victim;
  private static int healthy;
  private static int manual;

  @BeforeAll
  static void start() throws Exception {
    fake = new FakeOpenAi();
    config = TestInfra.get().freshConfig(Map.of(
        Settings.CHANNEL_TEST_FREQUENCY_SECONDS.name(), String.valueOf(PERIOD_SECONDS),
        Settings.HEALTH_LEADER_LEASE.name(), "3",
        Settings.HEALTH_FLIP_COOLDOWN.name(), "0",
        Settings.HEALTH_TEST_TIMEOUT.name(), "5",
        Settings.HEALTH_BREAKER_OPEN_SECONDS.name(), "2",
        Settings.POLLING_INTERVAL.name(), "0"));
    var a = ProcessRuntime.start(config).toCompletionStage().toCompletableFuture();
    var b = ProcessRuntime.start(config).toCompletionStage().toCompletableFuture();
    var g = ProcessRuntime.start(config).toCompletionStage().toCompletableFuture();
    workerA = a.get(90, TimeUnit.SECONDS);
    workerB = b.get(90, TimeUnit.SECONDS);
    observer = g.get(90, TimeUnit.SECONDS);
    setOption("AutomaticDisableChannelEnabled", "true");
    setOption("AutomaticEnableChannelEnabled", "false");
    setOption("ChannelDisableThreshold", "5");
    setOption("WebhookUrl", fake.baseUrl() + "/hook");
    setOption("WebhookSecret", "hook-secret");
    KeyCipher cipher = KeyCipher.fromConfig(config);
    victim = insertChannel("victim", cipher.encrypt(VICTIM_KEY), 1, "gpt-3.5-turbo,gpt-4o", "");
    healthy = insertChannel("healthy", cipher.encrypt(HEALTHY_KEY), 1, "dall-e-3,gpt-4o-mini",
        "{\"gpt-4o-mini\":\"gpt-4o-mini-2024-07-18\"}");
    manual = insertChannel("manual", cipher.encrypt(MANUAL_KEY), 2, "gpt-3.5-turbo", "");
    observer.vertx().eventBus().<JsonObject>consumer(ClusterNames.CHANGES_ADDRESS, msg -> {
      ChangeNotice n = ChangeNotice.fromJson(msg.body());
      if (n.kind() == ChangeNotice.Kind.CHANNEL) {
        notices.add(new long[] {n.id(), System.nanoTime()});
      }
    }).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    appA = HealthWorkerApplication.startWith(workerA, HealthWorkerApplication::registryProber)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    appB = HealthWorkerApplication.startWith(workerB, HealthWorkerApplication::registryProber)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    producer = new KafkaProducer<>(KafkaSupport.producerProps(config, "health-e2e"));
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(2));
    }
    for (HealthWorkerApplication app : new HealthWorkerApplication[] {appA, appB}) {
      if (app != null) {
        ProcessRuntime.awaitQuietly(app.stop(), Duration.ofSeconds(10));
      }
    }
    for (ProcessRuntime r : new ProcessRuntime[] {workerA, workerB, observer}) {
      if (r != null) {
        r.closeBlocking(Duration.ofSeconds(10));
      }
    }
    if (fake != null) {
      fake.close();
    }
  }

  // ---- phases -------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void deadKeyOutcomesDisableTheChannelAndEveryMemberHearsIt() throws Exception {
    // the fake answers tests fine, so only the published outcomes decide; auto-enable is off meanwhile
    warmUp();
    List<Long> millis = new ArrayList<>();
    for (int trial = 0; trial < 20; trial++) {
      reenableByHand(victim);
      notices.clear();
      long start = System.nanoTime();
      publish(victim, FailureClass.INVALID_KEY, 401, "invalid_api_key");
      long seen = awaitNotice(victim, Duration.ofSeconds(10));
      millis.add((seen - start) / 1_000_000);
      assertThat(status(victim)).isEqualTo(3);
    }
    Collections.sort(millis);
    io.onegate.testkit.Figures.report("PROPAGATION outcome published -> ChangeNotice on another member, 20 trials: p50=%d ms, "
        + "max=%d ms, all=%s%n", millis.get(9), millis.get(19), millis);
    assertThat(abilitiesEnabled(victim)).isFalse();
    double disables = 0;
    for (ProcessRuntime worker : new ProcessRuntime[] {workerA, workerB}) {
      var counter = worker.metrics().find("onegate.health.status.changes").tag("to", "auto_disabled").counter();
      disables += counter == null ? 0 : counter.count();
    }
    assertThat(disables).as("meters of both workers").isGreaterThanOrEqualTo(21);
    RowSet<Row> logs = query("SELECT content, channel_id FROM logs WHERE type = 4 AND channel_id = $1",
        Tuple.of(victim));
    assertThat(logs.rowCount()).isGreaterThanOrEqualTo(20);
    assertThat(logs.iterator().next().getString("content"))
        .contains("auto-disabled").contains("INVALID_KEY").contains("401").contains("invalid_api_key");
    assertThat(query("SELECT status_reason FROM channels WHERE id = $1", Tuple.of(victim)).iterator().next()
        .getString("status_reason")).contains("invalid_api_key");
  }

  @Test
  @Order(2)
  void statusChangesAreSentToTheSignedWebhook() throws Exception {
    await(() -> fake.hooks.stream().anyMatch(h -> h.body().contains("channel.disabled")), Duration.ofSeconds(10));
    FakeOpenAi.Hook hook = fake.hooks.stream().filter(h -> h.body().contains("channel.disabled")).findFirst()
        .orElseThrow();
    assertThat(hook.headers().get("x-onegate-signature"))
        .isEqualTo(WebhookNotifier.sign("hook-secret", hook.body().getBytes(StandardCharsets.UTF_8)));
    JsonObject body = new JsonObject(hook.body());
    assertThat(body.getJsonObject("data").getInteger("channel_id")).isEqualTo(victim);
    assertThat(hook.body()).doesNotContain(VICTIM_KEY);
  }

  @Test
  @Order(3)
  void scheduledTestReEnablesTheChannelOnceTheUpstreamRecoversButNeverTheManualOne() throws Exception {
    fake.setDead(VICTIM_KEY, true);
    int before = fake.requests(VICTIM_KEY);
    await(() -> fake.requests(VICTIM_KEY) > before, Duration.ofSeconds(15));
    assertThat(status(victim)).as("a failing test keeps it disabled").isEqualTo(3);
    // recovery: the upstream accepts the key again and automatic enabling is switched on
    fake.setDead(VICTIM_KEY, false);
    notices.clear();
    setOption("AutomaticEnableChannelEnabled", "true");
    publishOnObserver(new ChangeNotice(ChangeNotice.Kind.OPTION, 0));
    await(() -> status(victim) == 1, Duration.ofSeconds(20));
    assertThat(abilitiesEnabled(victim)).isTrue();
    awaitNotice(victim, Duration.ofSeconds(5));
    assertThat(query("SELECT count(*) FROM logs WHERE type = 4 AND channel_id = $1 AND content LIKE '%auto-enabled%'",
        Tuple.of(victim)).iterator().next().getLong(0)).isEqualTo(1L);
    RowSet<Row> row = query("SELECT response_time, test_time FROM channels WHERE id = $1", Tuple.of(victim));
    assertThat(row.iterator().next().getLong("test_time")).isPositive();
    // test logs (type 5) and the model choice: first chat model after mapping, dall-e-3 skipped
    assertThat(query("SELECT count(*) FROM logs WHERE type = 5 AND channel_id = $1", Tuple.of(healthy))
        .iterator().next().getLong(0)).isPositive();
    assertThat(fake.lastModel(HEALTHY_KEY)).isEqualTo("gpt-4o-mini-2024-07-18");
    // the manually disabled channel answers fine, yet is never tested by the schedule nor re-enabled
    int rounds = roundsClaimed();
    await(() -> roundsClaimed() >= rounds + 2, Duration.ofSeconds(15));
    assertThat(status(manual)).isEqualTo(2);
    assertThat(fake.requests(MANUAL_KEY)).isZero();
  }

  @Test
  @Order(4)
  void transientFailuresOpenABreakerEveryMemberSeesWithoutAStatusChangeAndAPassingProbeClosesIt() throws Exception {
    String key = "sk-flaky-0123456789abcdef";
    int flaky = insertChannel("flaky", KeyCipher.fromConfig(config).encrypt(key), 1, "gpt-4o", "");
    fake.setFailing(key, true);
    IMap<Integer, long[]> holds = observer.hazelcast().getMap(ClusterNames.CHANNEL_HOLDS);
    // four in a row twice, far from the minimum sample of the error-rate rule; the client's own 400s do not count
    for (char c : "xxxx.xxxxbbbbbbbbbb".toCharArray()) {
      publish(flaky, c == 'x' ? FailureClass.TRANSIENT : c == 'b' ? FailureClass.BAD_REQUEST : FailureClass.NONE,
          c == 'x' ? 500 : c == 'b' ? 400 : 200, "");
    }
    confirmConsumed(flaky);
    assertThat(holds.get(flaky)).as("no breaker yet").isNull();

    long sent = System.nanoTime();
    long sentMillis = System.currentTimeMillis();
    publish(flaky, FailureClass.TRANSIENT, 502, ""); // the fifth transient failure in a row
    await(() -> holds.get(flaky) != null, Duration.ofSeconds(10));
    io.onegate.testkit.Figures.report("BREAKER outcome published -> hold visible on another member: %d ms%n",
        (System.nanoTime() - sent) / 1_000_000);
    ChannelHold opened = ChannelHold.fromArray(holds.get(flaky));
    assertThat(opened.kind()).isEqualTo(ChannelHold.Kind.BREAKER_OPEN);
    // probe after 2 s (HEALTH_BREAKER_OPEN_SECONDS), held 5 s longer while the probe runs (HEALTH_TEST_TIMEOUT)
    assertThat(opened.untilMillis() - sentMillis).isBetween(7_000L, 7_000L + 5_000L);

    // the probe fails (the upstream still answers 500): open again, the next probe twice as late
    await(() -> ChannelHold.fromArray(holds.get(flaky)) != null
        && ChannelHold.fromArray(holds.get(flaky)).untilMillis() > opened.untilMillis(), Duration.ofSeconds(15));
    assertThat(status(flaky)).isEqualTo(1);
    // the upstream recovers: the next probe passes and the breaker closes by itself
    fake.setFailing(key, false);
    await(() -> holds.get(flaky) == null, Duration.ofSeconds(20));
    assertThat(status(flaky)).as("a breaker never changes the status").isEqualTo(1);
    assertThat(query("SELECT count(*) FROM logs WHERE type = 4 AND channel_id = $1", Tuple.of(flaky)).iterator()
        .next().getLong(0)).as("no system log: nothing was disabled").isZero();
    assertThat(query("SELECT count(*) FROM logs WHERE type = 5 AND channel_id = $1 AND content LIKE '%passed%'",
        Tuple.of(flaky)).iterator().next().getLong(0)).as("the passing probe is recorded").isPositive();

    // a 429 with retry-after: a cool-down of that length, no status change
    long limitedAt = System.currentTimeMillis();
    publishRateLimit(flaky, 3_000);
    await(() -> holds.get(flaky) != null, Duration.ofSeconds(10));
    ChannelHold cooling = ChannelHold.fromArray(holds.get(flaky));
    assertThat(cooling.kind()).isEqualTo(ChannelHold.Kind.COOL_DOWN);
    assertThat(cooling.untilMillis() - limitedAt).isBetween(3_000L, 3_000L + 5_000L);
    assertThat(status(flaky)).isEqualTo(1);
  }

  private static void confirmConsumed(int channel) throws Exception {
    int partitions = config.get(Settings.KAFKA_PARTITIONS);
    int wanted = partitionOf(channel, partitions);
    int sentinel;
    do {
      sentinel = insertChannel("sentinel", KeyCipher.fromConfig(config).encrypt("sk-sentinel-0123456789abc"), 1,
          "gpt-4o", "");
    } while (partitionOf(sentinel, partitions) != wanted);
    notices.clear();
    publish(sentinel, FailureClass.INVALID_KEY, 401, "invalid_api_key");
    awaitNotice(sentinel, Duration.ofSeconds(10));
  }

  private static int partitionOf(int channel, int partitions) {
    byte[] key = Integer.toString(channel).getBytes(StandardCharsets.UTF_8);
    return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key))
        % partitions;
  }

  @Test
  @Order(5)
  void killingTheLeaderHandsTestsToTheOtherWorkerAndNoRoundRunsTwice() throws Exception {
    await(() -> appA.isTestLeader() || appB.isTestLeader(), Duration.ofSeconds(10));
    boolean aLeads = appA.isTestLeader();
    ProcessRuntime leader = aLeads ? workerA : workerB;
    HealthWorkerApplication survivorApp = aLeads ? appB : appA;
    ProcessRuntime survivor = aLeads ? workerB : workerA;
    String survivorMember = survivor.hazelcast().getCluster().getLocalMember().getUuid().toString();
    // crash: the member vanishes without giving its lease up
    long killedAt = System.nanoTime();
    long killedAtSeconds = System.currentTimeMillis() / 1000;
    leader.hazelcast().getLifecycleService().terminate();
    ProcessRuntime.awaitQuietly((aLeads ? appA : appB).stop(), Duration.ofSeconds(10));
    if (aLeads) {
      appA = null;
    } else {
      appB = null;
    }
    await(() -> countRounds("claimed_by = '" + survivorMember + "' AND claimed_at >= " + killedAtSeconds) > 0
        && survivorApp.isTestLeader(), Duration.ofSeconds(30));
    long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
    io.onegate.testkit.Figures.report("FAILOVER leader killed -> other worker runs a round: %d ms%n", takeoverMillis);
    assertThat(takeoverMillis).isLessThan(30_000);
    // give the survivor a few more rounds, then compare probes of the always-enabled channel with claimed rounds
    int rounds = roundsClaimed();
    await(() -> roundsClaimed() >= rounds + 2, Duration.ofSeconds(15));
    Thread.sleep(500);
    int claimed = roundsClaimed();
    int probes = fake.requests(HEALTHY_KEY);
    io.onegate.testkit.Figures.report("ROUNDS claimed=%d, probes of the healthy channel=%d%n", claimed, probes);
    assertThat(probes).as("each round tests a channel at most once").isLessThanOrEqualTo(claimed);
    assertThat(probes).isGreaterThanOrEqualTo(claimed - 2);
  }

  @Test
  @Order(6)
  void theAdminTestChannelRequestIsAnsweredOverTheEventBusWithoutChangingStatus() throws Exception {
    JsonObject reply = observer.vertx().eventBus()
        .<JsonObject>request(ClusterNames.HEALTH_TEST_CHANNEL_ADDRESS, new JsonObject().put("channel_id", manual))
        .map(m -> m.body()).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    assertThat(reply.getBoolean("success")).isTrue();
    assertThat(reply.getString("modelName")).isEqualTo("gpt-3.5-turbo");
    assertThat(status(manual)).isEqualTo(2);
    assertThat(fake.requests(MANUAL_KEY)).isEqualTo(1);
    Throwable missing = observer.vertx().eventBus()
        .request(ClusterNames.HEALTH_TEST_CHANNEL_ADDRESS, new JsonObject().put("channel_id", 999_999))
        .toCompletionStage().toCompletableFuture().handle((r, e) -> e).get(15, TimeUnit.SECONDS);
    assertThat(missing).isInstanceOf(io.vertx.core.eventbus.ReplyException.class);
    assertThat(((io.vertx.core.eventbus.ReplyException) missing).failureCode()).isEqualTo(404);
  }

  @Test
  @Order(7)
  void aLowBalanceWarningSentOverTheEventBusReachesTheWebhook() throws Exception {
    JsonObject reply = observer.vertx().eventBus().<JsonObject>request(ClusterNames.NOTIFY_LOW_BALANCE_ADDRESS,
            new JsonObject().put("user_id", 5).put("username", "alice").put("email", "").put("remaining_quota", 99))
        .map(m -> m.body()).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    assertThat(reply.getBoolean("sent")).isTrue();
    FakeOpenAi.Hook hook = fake.hooks.stream().filter(h -> h.body().contains("user.low_balance")).findFirst()
        .orElseThrow();
    assertThat(new JsonObject(hook.body()).getJsonObject("data").getLong("remaining_quota")).isEqualTo(99L);
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private static void warmUp() throws Exception {
    // the consumer group's first assignment takes a moment: one untimed trial
    reenableByHand(victim);
    notices.clear();
    publish(victim, FailureClass.INVALID_KEY, 401, "invalid_api_key");
    awaitNotice(victim, Duration.ofSeconds(30));
  }

  private static void reenableByHand(int id) throws Exception {
    query("UPDATE channels SET status = 1 WHERE id = $1", Tuple.of(id));
    query("UPDATE abilities SET enabled = true WHERE channel_id = $1", Tuple.of(id));
    publishOnObserver(new ChangeNotice(ChangeNotice.Kind.CHANNEL, id));
    Thread.sleep(300); // let the workers forget what they knew of the channel
  }

  private static void publishOnObserver(ChangeNotice notice) {
    observer.vertx().eventBus().publish(ClusterNames.CHANGES_ADDRESS, notice.toJson());
  }

  private static void publish(int channel, FailureClass failure, int status, String code) throws Exception {
    AttemptOutcome outcome = new AttemptOutcome(AttemptOutcome.SCHEMA_VERSION, UUID.randomUUID().toString(),
        UUID.randomUUID().toString(), System.currentTimeMillis(), channel, 1, "gpt-3.5-turbo", status, failure,
        code, 120, true, "relay", 0);
    producer.send(new ProducerRecord<>(Topics.of(config).attempts(), outcome.kafkaKey(), outcome.encode()))
        .get(10, TimeUnit.SECONDS);
  }

  private static void publishRateLimit(int channel, long retryAfterMillis) throws Exception {
    AttemptOutcome outcome = new AttemptOutcome(AttemptOutcome.SCHEMA_VERSION, UUID.randomUUID().toString(),
        UUID.randomUUID().toString(), System.currentTimeMillis(), channel, 1, "gpt-4o", 429,
        FailureClass.RATE_LIMITED, "rate_limit_exceeded", 80, true, "relay", retryAfterMillis);
    producer.send(new ProducerRecord<>(Topics.of(config).attempts(), outcome.kafkaKey(), outcome.encode()))
        .get(10, TimeUnit.SECONDS);
  }

  private static long awaitNotice(int channel, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long[] n = notices.poll(100, TimeUnit.MILLISECONDS);
      if (n != null && n[0] == channel) {
        return n[1];
      }
    }
    throw new AssertionError("no ChangeNotice for channel " + channel + " within " + timeout);
  }

  private static int status(int id) throws Exception {
    return query("SELECT status FROM channels WHERE id = $1", Tuple.of(id)).iterator().next().getInteger(0);
  }

  private static boolean abilitiesEnabled(int id) throws Exception {
    return query("SELECT bool_and(enabled) FROM abilities WHERE channel_id = $1", Tuple.of(id)).iterator().next()
        .getBoolean(0);
  }

  private static int roundsClaimed() throws Exception {
    return countRounds("true");
  }

  private static int countRounds(String where) throws Exception {
    return (int) (long) query("SELECT count(*) FROM health_test_rounds WHERE " + where, Tuple.tuple()).iterator()
        .next().getLong(0);
  }

  private static void setOption(String key, String value) throws Exception {
    query("INSERT INTO options (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2",
        Tuple.of(key, value));
  }

  private static int insertChannel(String name, String key, int status, String models, String mapping)
      throws Exception {
    int id = query("INSERT INTO channels (type, key, status, name, base_url, models, \"group\", model_mapping, "
            + "created_time) VALUES (1, $1, $2, $3, $4, $5, 'default', $6, 0) RETURNING id",
        Tuple.of(key, status, name, fake.baseUrl(), models, mapping)).iterator().next().getInteger(0);
    for (String model : models.split(",")) {
      query("INSERT INTO abilities (\"group\", model, channel_id, enabled) VALUES ('default', $1, $2, $3)",
          Tuple.of(model, id, status == 1));
    }
    return id;
  }

  private static RowSet<Row> query(String sql, Tuple args) throws Exception {
    return sync(observer.pg().preparedQuery(sql).execute(args));
  }

  private static <T> T sync(Future<T> future) throws Exception {
    CompletableFuture<T> cf = future.toCompletionStage().toCompletableFuture();
    return cf.get(15, TimeUnit.SECONDS);
  }

  private static void await(Callable<Boolean> condition, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.call()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("condition not met within " + timeout);
  }
}
