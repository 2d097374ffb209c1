package io.onegate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.embedded.FreePorts;
import io.onegate.gateway.GatewayApplication;
import io.onegate.health.HealthWorkerApplication;
import io.onegate.testkit.FakeOpenAiUpstream;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole health loop across processes: two gateway nodes and a health worker on real PostgreSQL, Kafka and
 * Hazelcast. A channel whose upstream starts answering 401 invalid_api_key is disabled from the relay's attempt
 * outcomes; the other gateway node stops routing to it within a second; clients see no error (the failed attempt is
 * retried on the healthy channel); a system log states the reason; the scheduled test re-enables it when the
 * upstream recovers; a channel disabled by hand is never re-enabled.
 */
class ChannelAutoDisableEndToEndTest {
  private static final String KEY = "e2eHealthToken0000000000000000000000000000000001";
  private static final String CHAT = "/v1/chat/completions";

  private static ProcessRuntime first;
  private static ProcessRuntime second;
  private static final List<ProcessMain.Application> apps = new ArrayList<>();
  private static FakeOpenAiUpstream flaky;
  private static FakeOpenAiUpstream healthy;
  private static FakeOpenAiUpstream manual;
  private static int flakyId;
  private static int manualId;
  private static int port1;
  private static int port2;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    Config config = TestInfra.get().freshConfig(Map.of(
        Settings.CHANNEL_TEST_FREQUENCY_SECONDS.name(), "2",
        Settings.HEALTH_FLIP_COOLDOWN.name(), "0",
        Settings.HEALTH_TEST_TIMEOUT.name(), "5",
        Settings.HEALTH_LEADER_LEASE.name(), "3",
        Settings.POLLING_INTERVAL.name(), "0"));
    port1 = config.get(Settings.PORT);
    port2 = FreePorts.find();
    first = await(ProcessRuntime.start(config));
    var vertx = first.vertx();
    flaky = await(new FakeOpenAiUpstream(vertx).start());
    healthy = await(new FakeOpenAiUpstream(vertx).start());
    manual = await(new FakeOpenAiUpstream(vertx).start());
    seed();
    second = await(ProcessRuntime.start(config.with(Settings.PORT, port2)));
    apps.add(await(GatewayApplication.start(first)));
    apps.add(await(GatewayApplication.start(second)));
    apps.add(await(HealthWorkerApplication.start(first)));
  }

  @AfterAll
  static void stop() {
    apps.forEach(app -> ProcessRuntime.awaitQuietly(app.stop(), Duration.ofSeconds(5)));
    if (second != null) {
      second.closeBlocking(Duration.ofSeconds(15));
    }
    if (first != null) {
      first.closeBlocking(Duration.ofSeconds(15));
    }
  }

  private static void seed() throws Exception {
    for (var option : Map.of("AutomaticDisableChannelEnabled", "true", "AutomaticEnableChannelEnabled", "true",
        "RetryTimes", "2").entrySet()) {
      sql("INSERT INTO options (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2",
          Tuple.of(option.getKey(), option.getValue()));
    }
    sql("INSERT INTO tokens (user_id, key, status, name, expired_time, remain_quota, unlimited_quota) "
        + "VALUES (1, $1, 1, 'e2e', -1, 0, true)", Tuple.of(KEY));
    flakyId = channel("flaky", flaky, 1);
    channel("healthy", healthy, 1);
    manualId = channel("manual", manual, 2);
  }

  private static int channel(String name, FakeOpenAiUpstream upstream, int status) throws Exception {
    int id = sql("INSERT INTO channels (type, key, status, name, weight, base_url, models, \"group\", priority) "
        + "VALUES (1, 'sk-up-" + name + "', $1, $2, 1, $3, 'gpt-3.5-turbo', 'default', 0) RETURNING id",
        Tuple.of(status, name, upstream.baseUrl())).iterator().next().getInteger(0);
    sql("INSERT INTO abilities (\"group\", model, channel_id, enabled, priority) VALUES ('default', "
        + "'gpt-3.5-turbo', $1, $2, 0)", Tuple.of(id, status == 1));
    return id;
  }

  @Test
  void deadKeyIsDisabledEverywhereWithinASecondAndRecoversOnSchedule() throws Exception {
    // Both nodes route to both enabled channels.
    for (int i = 0; i < 12; i++) {
      assertThat(chat(i % 2 == 0 ? port1 : port2).statusCode()).isEqualTo(200);
    }
    assertThat(flaky.requests()).isNotEmpty();
    assertThat(manual.requests()).isEmpty();

    // The flaky upstream's key dies. Clients keep getting answers: the failed attempt is retried on "healthy".
    flaky.onPath(CHAT, (v, req, body, resp) -> resp.setStatusCode(401).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("message", "Incorrect API key provided")
            .put("type", "invalid_request_error").putNull("param").put("code", "invalid_api_key")).encode()));
    int before = flaky.requests().size();
    for (int i = 0; i < 40 && flaky.requests().size() == before; i++) {
      assertThat(chat(port1).statusCode()).as("client sees no error beyond the retried attempt").isEqualTo(200);
    }
    assertThat(flaky.requests().size()).as("the dead channel was tried").isGreaterThan(before);
    eventually(Duration.ofSeconds(20), () -> status(flakyId) == 3);

    // Within a second of the status change, node 2 no longer routes to it.
    Thread.sleep(1000);
    long afterDisable = relayed(flaky);
    for (int i = 0; i < 20; i++) {
      assertThat(chat(port2).statusCode()).isEqualTo(200);
    }
    assertThat(relayed(flaky)).as("node 2 stopped routing to the disabled channel").isEqualTo(afterDisable);
    RowSet<Row> logs = sql("SELECT content FROM logs WHERE type = 4 AND content LIKE $1",
        Tuple.of("%#" + flakyId + "%"));
    assertThat(logs.size()).as("a system log row states the reason").isGreaterThanOrEqualTo(1);

    // The upstream recovers: the scheduled test re-enables the auto-disabled channel, never the manual one.
    flaky.clearPath(CHAT);
    eventually(Duration.ofSeconds(30), () -> status(flakyId) == 1);
    eventually(Duration.ofSeconds(10), () -> {
      long seen = relayed(flaky);
      for (int i = 0; i < 10; i++) {
        chat(port2);
      }
      return relayed(flaky) > seen;
    });
    assertThat(status(manualId)).as("a channel disabled by hand stays disabled").isEqualTo(2);
    assertThat(manual.requests()).as("and is never tested or routed to").isEmpty();
    assertThat(healthy.requests()).isNotEmpty();
  }

  private static HttpResponse<String> chat(int port) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + CHAT))
              .timeout(Duration.ofSeconds(20))
              .header("Authorization", "Bearer sk-" + KEY).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(
                  "{\"model\":\"gpt-3.5-turbo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
              .build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Requests the relay sent (the scheduled channel tests of the health worker are not counted). */
  private static long relayed(FakeOpenAiUpstream upstream) {
    return upstream.requests().stream().filter(r -> r.body().toString().contains("\"content\":\"hi\"")).count();
  }

  private static int status(int channelId) {
    try {
      return sql("SELECT status FROM channels WHERE id = $1", Tuple.of(channelId)).iterator().next().getInteger(0);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static RowSet<Row> sql(String sql, Tuple args) throws Exception {
    return await(first.pg().preparedQuery(sql).execute(args));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  private static void eventually(Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("condition not met within " + limit.toSeconds() + " s");
  }
}
