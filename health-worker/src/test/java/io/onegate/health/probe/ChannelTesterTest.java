package io.onegate.health.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.PostgresDsn;
import io.onegate.common.crypto.KeyCipher;
import io.onegate.common.db.Migrations;
import io.onegate.common.db.PgPools;
import io.onegate.common.error.FailureClass;
import io.onegate.common.options.Options;
import io.onegate.health.FakeOpenAi;
import io.onegate.health.channel.ChannelRepository;
import io.onegate.health.channel.StoredChannel;
import io.onegate.health.policy.HealthPolicy;
import io.onegate.health.policy.HealthRules;
import io.onegate.health.state.ChannelStatusWriter;
import io.onegate.health.state.StatusChange;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The channel tester and status writer on a real PostgreSQL against the fake OpenAI upstream: slow tests, dead
 * keys, the database-enforced cool-down, manual tests that never change status, and channels with no chat model.
 */
class ChannelTesterTest {
  private static final KeyCipher CIPHER = new KeyCipher("channel-tester-test-secret");
  private static final Duration COOLDOWN = Duration.ofSeconds(120);
  private static Vertx vertx;
  private static Pool pg;
  private static FakeOpenAi fake;
  private static ChannelRepository channels;
  private static ChannelTester tester;
  private static final List<StatusChange> changes = new CopyOnWriteArrayList<>();
  private static final AtomicReference<Options> options = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    fake = new FakeOpenAi();
    PostgresDsn dsn = PostgresDsn.parse(TestInfra.get().newDatabase());
    Migrations.migrate(dsn);
    pg = PgPools.create(vertx, dsn, 4);
    options.set(Options.of(Map.of("AutomaticDisableChannelEnabled", "true", "AutomaticEnableChannelEnabled", "true",
        "ChannelDisableThreshold", "1")));
    Clock clock = Clock.systemUTC();
    channels = new ChannelRepository(pg, CIPHER);
    ChannelStatusWriter writer = new ChannelStatusWriter(vertx, pg, clock, COOLDOWN, changes::add);
    HealthPolicy policy = new HealthPolicy(new HealthRules(50, Duration.ofSeconds(300), 20, 0.2, COOLDOWN,
        new HealthRules.Holds(5, Duration.ofSeconds(30), Duration.ofSeconds(600), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(300))), clock);
    tester = new ChannelTester(pg, channels,
        prober(clock), writer, policy, options::get, clock,
        "gpt-3.5-turbo", report -> { });
  }

  /** The production prober over the provider registry, as the health worker builds it. */
  private static ChannelProber prober(Clock clock) {
    var upstream = new io.onegate.providers.transport.UpstreamClient(vertx,
        new io.onegate.providers.transport.UpstreamClient.Settings(Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofSeconds(5), 4));
    return new RegistryProber(io.onegate.providers.registry.ProviderRegistry.defaults(), upstream,
        new io.onegate.providers.transport.CredentialCache(upstream, clock, Duration.ofMinutes(5)), clock,
        Duration.ofSeconds(5), "ping");
  }

  @AfterAll
  static void stop() {
    if (fake != null) {
      fake.close();
    }
    if (vertx != null) {
      vertx.close();
    }
  }

  @Test
  void aTestSlowerThanTheThresholdDisablesAnEnabledChannel() throws Exception {
    int id = channel("slow", "sk-slow-0123456789abcdef", 1, "gpt-3.5-turbo", 0);
    fake.setDelay("sk-slow-0123456789abcdef", 1300); // ChannelDisableThreshold is 1 s
    TestReport report = sync(tester.testScheduled(stored(id)));
    assertThat(report.result().success()).isFalse();
    assertThat(report.change()).isPresent();
    assertThat(status(id)).isEqualTo(3);
    assertThat(row("SELECT status_reason, response_time, test_time FROM channels WHERE id = $1", id)
        .getString("status_reason")).contains("over ChannelDisableThreshold");
    assertThat(row("SELECT content FROM logs WHERE type = 5 AND channel_id = $1", id).getString("content"))
        .contains("failed").contains("slower than ChannelDisableThreshold");
  }

  @Test
  void aPassingTestRecordsResponseTimeAndTestTimeAndLeavesAnEnabledChannelAlone() throws Exception {
    int id = channel("fine", "sk-fine-0123456789abcdef", 1, "gpt-4o,gpt-3.5-turbo", 0);
    TestReport report = sync(tester.testScheduled(stored(id)));
    assertThat(report.result().success()).isTrue();
    assertThat(report.model()).isEqualTo("gpt-3.5-turbo");
    assertThat(report.change()).isEmpty();
    Row row = row("SELECT status, response_time, test_time FROM channels WHERE id = $1", id);
    assertThat(row.getInteger("status")).isEqualTo(1);
    assertThat(row.getLong("test_time")).isPositive();
    assertThat(row("SELECT content, model_name, elapsed_time FROM logs WHERE type = 5 AND channel_id = $1", id)
        .getString("model_name")).isEqualTo("gpt-3.5-turbo");
  }

  @Test
  void aDeadKeyIsDisabledEvenInsideTheCooldownButReEnablingWaitsForIt() throws Exception {
    long justNow = System.currentTimeMillis() / 1000 - 5;
    int dead = channel("dead", "sk-dead-0123456789abcdef", 1, "gpt-3.5-turbo", justNow);
    fake.setDead("sk-dead-0123456789abcdef", true);
    assertThat(sync(tester.testScheduled(stored(dead))).change()).isPresent();
    assertThat(status(dead)).isEqualTo(3);
    assertThat(abilitiesEnabled(dead)).isFalse();

    int cooling = channel("cooling", "sk-cool-0123456789abcdef", 3, "gpt-3.5-turbo", justNow);
    assertThat(sync(tester.testScheduled(stored(cooling))).change()).as("changed 5 s ago, cool-down 120 s").isEmpty();
    assertThat(status(cooling)).isEqualTo(3);
    sync(pg.preparedQuery("UPDATE channels SET status_changed_time = $2 WHERE id = $1")
        .execute(Tuple.of(cooling, justNow - 600)));
    TestReport report = sync(tester.testScheduled(stored(cooling)));
    assertThat(report.change()).isPresent();
    assertThat(status(cooling)).isEqualTo(1);
    assertThat(abilitiesEnabled(cooling)).isTrue();
    assertThat(changes).anyMatch(c -> c.channelId() == cooling && c.to() == 1);
  }

  @Test
  void aManualTestNeverChangesStatusAndAManuallyDisabledChannelIsNeverEnabled() throws Exception {
    int manual = channel("manual", "sk-manual-0123456789abcdef", 2, "gpt-3.5-turbo", 0);
    TestReport manualTest = sync(tester.testManually(manual, Optional.of("gpt-3.5-turbo")));
    assertThat(manualTest.result().success()).isTrue();
    assertThat(manualTest.toOneApiJson().getString("modelName")).isEqualTo("gpt-3.5-turbo");
    assertThat(sync(tester.testScheduled(stored(manual))).change()).isEmpty();
    assertThat(status(manual)).isEqualTo(2);

    int deadManualTest = channel("dead2", "sk-dead2-0123456789abcdef", 1, "gpt-3.5-turbo", 0);
    fake.setDead("sk-dead2-0123456789abcdef", true);
    assertThat(sync(tester.testManually(deadManualTest, Optional.empty())).result().failureClass().keyIsDead())
        .isTrue();
    assertThat(status(deadManualTest)).as("manual tests only record, as in One API").isEqualTo(1);
    assertThat(tester.testManually(999_999, Optional.empty()).toCompletionStage().toCompletableFuture()
        .handle((r, e) -> e).get(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void aBreakerProbeTestsOnlyEnabledChannelsAndNeverChangesTheStatus() throws Exception {
    int failing = channel("probe-dead", "sk-probe-dead-0123456789ab", 1, "gpt-3.5-turbo", 0);
    fake.setDead("sk-probe-dead-0123456789ab", true);
    ProbeResult result = sync(tester.probeForBreaker(failing));
    assertThat(result.failureClass()).isEqualTo(FailureClass.INVALID_KEY);
    assertThat(status(failing)).as("the policy decides, not the probe").isEqualTo(1);
    assertThat(row("SELECT count(*) FROM logs WHERE type = 5 AND channel_id = $1", failing).getLong(0))
        .as("recorded like the admin's test").isEqualTo(1);
    int disabled = channel("probe-manual", "sk-probe-manual-0123456789", 2, "gpt-3.5-turbo", 0);
    for (int id : new int[] {disabled, 999_998}) {
      assertThat(tester.probeForBreaker(id).toCompletionStage().toCompletableFuture().handle((r, e) -> e)
          .get(10, TimeUnit.SECONDS)).as("channel %d: nothing to probe", id).isNotNull();
    }
    assertThat(fake.requests("sk-probe-manual-0123456789")).isZero();
  }

  @Test
  void aChannelWithoutAChatModelIsNotProbed() throws Exception {
    int id = channel("images", "sk-images-0123456789abcdef", 1, "dall-e-3,tts-1", 0);
    TestReport report = sync(tester.testScheduled(stored(id)));
    assertThat(report.result().message()).contains("no chat model");
    assertThat(fake.requests("sk-images-0123456789abcdef")).isZero();
    assertThat(status(id)).isEqualTo(1);
  }

  private static int channel(String name, String key, int status, String models, long changedAt) throws Exception {
    int id = sync(pg.preparedQuery("INSERT INTO channels (type, key, status, name, base_url, models, \"group\", "
            + "status_changed_time) VALUES (1, $1, $2, $3, $4, $5, 'default', $6) RETURNING id")
        .execute(Tuple.of(CIPHER.encrypt(key), status, name, fake.baseUrl(), models, changedAt)))
        .iterator().next().getInteger(0);
    for (String model : models.split(",")) {
      sync(pg.preparedQuery("INSERT INTO abilities (\"group\", model, channel_id, enabled) VALUES ('default', $1, $2, $3)")
          .execute(Tuple.of(model, id, status == 1)));
    }
    return id;
  }

  private static StoredChannel stored(int id) throws Exception {
    return sync(channels.find(id)).orElseThrow();
  }

  private static int status(int id) throws Exception {
    return row("SELECT status FROM channels WHERE id = $1", id).getInteger(0);
  }

  private static boolean abilitiesEnabled(int id) throws Exception {
    return row("SELECT bool_and(enabled) FROM abilities WHERE channel_id = $1", id).getBoolean(0);
  }

  private static Row row(String sql, int id) throws Exception {
    RowSet<Row> rows = sync(pg.preparedQuery(sql).execute(Tuple.of(id)));
    return rows.iterator().next();
  }

  private static <T> T sync(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
