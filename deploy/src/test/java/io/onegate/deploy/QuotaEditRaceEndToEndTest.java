package io.onegate.deploy;

import static io.onegate.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.onegate.billing.BillingWorkerApplication;
import io.onegate.common.balance.LiveBalances;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.kafka.Topics;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.embedded.FreePorts;
import io.onegate.gateway.GatewayApplication;
import io.onegate.testkit.FakeOpenAiUpstream;
import io.onegate.testkit.Figures;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Context;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The quota-edit race of issue 14 (finding 4), across processes: two gateway nodes and a billing worker on real
 * PostgreSQL, Kafka and Hazelcast, a fake OpenAI upstream answering after 50 ms, four clients (the OpenAI SDK, two
 * per node) looping chat requests while root lowers the balance through the management API — a user's quota, and a
 * limited token's remaining quota. Two requests admitted just before the edit are held at the upstream until it is
 * done, so the race of the finding (usage admitted before the edit reaching the ledger after it) happens every run.
 * Afterwards (asserted against PostgreSQL's rows) the balance is exactly the new value minus the charges of the
 * requests admitted after the edit; every request, before or after, is in the logs and in used_quota. Which generation each request was admitted under is read from its usage event (the fact the
 * ledger applied); the timing of the requests around the edit bounds it from both sides.
 */
class QuotaEditRaceEndToEndTest {
  private static final String ACCESS = "raceRootAccessToken0123456789ab";
  private static final String USER_KEY = "raceUserKey0000000000000000000000000000000000001";
  private static final String TOKEN_KEY = "raceTokenKey000000000000000000000000000000000001";
  private static final long NEW_QUOTA = 2_000;

  private static Config config;
  private static ProcessRuntime first;
  private static ProcessRuntime second;
  private static final List<ProcessMain.Application> apps = new ArrayList<>();
  private static FakeOpenAiUpstream upstream;
  private static int port1;
  private static int port2;
  private static int racer;
  private static int limitedToken;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static volatile boolean stopClients;
  /** How many of the next upstream requests to hold until released (admitted requests kept in flight). */
  private static final AtomicInteger toHold = new AtomicInteger();
  private static final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();

  /** One client call: its request id (null when refused), when it started and ended, its status. */
  record Call(String requestId, long startNanos, long endNanos, int status) {
  }

  @BeforeAll
  static void start() throws Exception {
    config = TestInfra.get().freshConfig(Map.of(
        Settings.INITIAL_ROOT_ACCESS_TOKEN.name(), ACCESS,
        Settings.BATCH_UPDATE_INTERVAL.name(), "1"));
    port1 = config.get(Settings.PORT);
    port2 = FreePorts.find();
    first = await(ProcessRuntime.start(config));
    upstream = await(new FakeOpenAiUpstream(first.vertx()).start());
    upstream.onPath("/v1/chat/completions", (v, req, body, resp) -> {
      Context here = v.getOrCreateContext();
      Runnable answer = () -> here.runOnContext(x -> upstream.standardReply().answer(v, req, body, resp));
      if (toHold.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        held.add(answer);
      } else {
        v.setTimer(50, id -> answer.run());
      }
    });
    seed();
    second = await(ProcessRuntime.start(config.with(Settings.PORT, port2)));
    apps.add(await(GatewayApplication.start(first)));
    apps.add(await(GatewayApplication.start(second)));
    apps.add(await(BillingWorkerApplication.start(first)));
  }

  @AfterAll
  static void stop() {
    apps.forEach(app -> ProcessRuntime.awaitQuietly(app.stop(), Duration.ofSeconds(10)));
    for (ProcessRuntime runtime : new ProcessRuntime[] {second, first}) {
      if (runtime != null) {
        runtime.closeBlocking(Duration.ofSeconds(15));
      }
    }
  }

  private static void seed() throws Exception {
    racer = sql("INSERT INTO users (username, password, display_name, quota, \"group\") VALUES ('racer', 'x', "
        + "'racer', 50000000, 'default') RETURNING id", Tuple.tuple()).iterator().next().getInteger(0);
    sql("INSERT INTO tokens (user_id, key, status, name, expired_time, remain_quota, unlimited_quota) "
        + "VALUES ($1, $2, 1, 'unlimited', -1, 0, true)", Tuple.of(racer, USER_KEY));
    // root's limited token (root edits it through its own access token)
    limitedToken = sql("INSERT INTO tokens (user_id, key, status, name, expired_time, remain_quota, unlimited_quota)"
        + " VALUES (1, $1, 1, 'limited', -1, 50000000, false) RETURNING id", Tuple.of(TOKEN_KEY)).iterator().next()
        .getInteger(0);
    sql("INSERT INTO channels (type, key, status, name, weight, base_url, models, \"group\", priority) "
        + "VALUES (1, 'sk-up', 1, 'up', 1, $1, 'gpt-3.5-turbo', 'default', 0)", Tuple.of(upstream.baseUrl()));
    sql("INSERT INTO abilities (\"group\", model, channel_id, enabled, priority) SELECT 'default', "
        + "'gpt-3.5-turbo', id, true, 0 FROM channels", Tuple.tuple());
  }

  @Test
  void loweringAUsersQuotaUnderLoadEndsAtTheNewValueMinusWhatWasAdmittedAfterTheEdit() throws Exception {
    long usedBefore = row("SELECT used_quota FROM users WHERE id = $1", racer).getLong(0);
    race("user", USER_KEY, () -> put("/api/user/", new JsonObject().put("id", racer).put("quota", NEW_QUOTA)),
        () -> row("SELECT quota, used_quota, quota_generation FROM users WHERE id = $1", racer),
        UsageEvent::userQuotaGeneration, usedBefore,
        () -> await(first.vertx().executeBlocking(() -> new LiveBalances(first.hazelcast())))
            .rawUser(first.vertx().getOrCreateContext(), racer));
  }

  @Test
  void loweringALimitedTokensRemainingQuotaUnderLoadEndsAtTheNewValueMinusWhatWasAdmittedAfterTheEdit()
      throws Exception {
    long usedBefore = row("SELECT used_quota FROM tokens WHERE id = $1", limitedToken).getLong(0);
    race("token", TOKEN_KEY, () -> put("/api/token/", new JsonObject().put("id", limitedToken)
            .put("remain_quota", NEW_QUOTA)),
        () -> row("SELECT remain_quota, used_quota, quota_generation FROM tokens WHERE id = $1", limitedToken),
        UsageEvent::tokenQuotaGeneration, usedBefore,
        () -> await(first.vertx().executeBlocking(() -> new LiveBalances(first.hazelcast())))
            .rawToken(first.vertx().getOrCreateContext(), limitedToken));
  }

  @FunctionalInterface
  interface Step<T> {
    T run() throws Exception;
  }

  /**
   * Four clients loop; once the leases are warm the balance is set to {@link #NEW_QUOTA}; the clients go on until
   * the new balance is spent (refusals for a second), then everything is checked against PostgreSQL.
   *
   * @param account {balance, used_quota, quota_generation} of the account now
   */
  private void race(String what, String key, Step<Void> edit, Step<Row> account,
                    Function<UsageEvent, Long> generationOf, long usedBefore, Step<Future<long[]>> live)
      throws Exception {
    ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    List<Thread> clients = new ArrayList<>();
    stopClients = false;
    OpenAIClient node1 = client(port1, key);
    OpenAIClient node2 = client(port2, key);
    for (int i = 0; i < 4; i++) {
      OpenAIClient node = i % 2 == 0 ? node1 : node2;
      Thread t = new Thread(() -> loop(node, calls), "race-client-" + i);
      t.start();
      clients.add(t);
    }
    eventually(Duration.ofSeconds(30), "the clients are running with warm leases",
        () -> calls.stream().filter(c -> c.status() == 200).count() >= 20);
    long generationBefore = account.run().getLong(2);

    // two requests admitted now are held at the upstream until the edit is done (the other two clients go on
    // looping through it): their usage reaches the ledger after the edit, as a busy user's in-flight requests do
    toHold.set(2);
    eventually(Duration.ofSeconds(30), "two requests held at the upstream", () -> held.size() == 2);
    long editStart = System.nanoTime();
    edit.run();
    long editEnd = System.nanoTime();
    for (Runnable answer = held.poll(); answer != null; answer = held.poll()) {
      answer.run();
    }

    eventually(Duration.ofSeconds(60), "the new balance is spent: only refusals for a second", () -> {
      long now = System.nanoTime();
      return now - editEnd > TimeUnit.SECONDS.toNanos(2) && calls.stream().filter(c -> c.startNanos() > now
          - TimeUnit.SECONDS.toNanos(1)).allMatch(QuotaEditRaceEndToEndTest::refused)
          && calls.stream().anyMatch(c -> c.startNanos() > now - TimeUnit.SECONDS.toNanos(1));
    });
    stopClients = true;
    for (Thread t : clients) {
      t.join(30_000);
    }
    node1.close();
    node2.close();

    List<Call> admitted = calls.stream().filter(c -> c.status() == 200).toList();
    assertThat(calls).allMatch(c -> c.status() == 200 || refused(c));
    Map<String, Long> charged = new HashMap<>();
    eventually(Duration.ofSeconds(60), () -> {
      charged.clear();
      RowSet<Row> logs = sql("SELECT request_id, quota FROM logs WHERE type = 2 AND request_id = ANY($1)",
          Tuple.of(admitted.stream().map(Call::requestId).toArray(String[]::new)));
      logs.forEach(r -> charged.put(r.getString(0), r.getLong(1)));
      assertThat(charged).as("every admitted request has its consume log").hasSize(admitted.size());
    });
    Map<String, Long> generation = generations(admitted.stream().map(Call::requestId).toList(), generationOf);
    long generationAfter = account.run().getLong(2);
    assertThat(generationAfter).as("the edit started a new generation").isEqualTo(generationBefore + 1);

    // the timing bounds the generations: finished before the edit began → old; started a second after it → new
    Predicate<Call> isNew = c -> generation.get(c.requestId()) == generationAfter;
    for (Call c : admitted) {
      assertThat(generation.get(c.requestId())).isIn(generationBefore, generationAfter);
      if (c.endNanos() < editStart) {
        assertThat(isNew.test(c)).as("finished before the edit").isFalse();
      }
      if (c.startNanos() > editEnd + TimeUnit.SECONDS.toNanos(1)) {
        assertThat(isNew.test(c)).as("started a second after the edit (leases last at most 1 s)").isTrue();
      }
    }
    long inFlightAcross = admitted.stream().filter(c -> c.startNanos() < editStart && c.endNanos() > editEnd)
        .count();
    assertThat(inFlightAcross).as("requests admitted before the edit and settled after it: the race happened (the "
        + "edit took %d ms)", (editEnd - editStart) / 1_000_000).isGreaterThanOrEqualTo(2);
    long after = admitted.stream().filter(isNew).count();
    assertThat(after).as("the new balance was spent by requests admitted after the edit").isPositive();

    long chargedAfter = admitted.stream().filter(isNew).mapToLong(c -> charged.get(c.requestId())).sum();
    long chargedAll = charged.values().stream().mapToLong(Long::longValue).sum();
    eventually(Duration.ofSeconds(30), () -> {
      Row now = account.run();
      assertThat(now.getLong(0)).as("%s balance = the new value minus the charges admitted after the edit", what)
          .isEqualTo(NEW_QUOTA - chargedAfter);
      assertThat(now.getLong(1) - usedBefore).as("every request counts in used_quota").isEqualTo(chargedAll);
    });
    // the cluster's live balance agrees with PostgreSQL once leases are given back (1 s idle)
    Row pg = account.run();
    eventually(Duration.ofSeconds(15), () -> {
      long[] entry = await(live.run());
      assertThat(entry[0]).isEqualTo(pg.getLong(0));
      assertThat(entry[1]).as("nothing pending").isZero();
      assertThat(entry[3]).isEqualTo(generationAfter);
    });
    Figures.report("QUOTA EDIT %s: %d requests admitted (%d in flight across the edit, %d after it), %d refused; "
            + "balance %d = %d - %d; used_quota +%d; the edit took %d ms%n", what, admitted.size(), inFlightAcross,
        after, calls.size() - admitted.size(), pg.getLong(0), NEW_QUOTA, chargedAfter, chargedAll,
        (editEnd - editStart) / 1_000_000);
  }

  /**
   * A refusal of the quota: One API's statuses, 403 not enough quota for the reservation, 401 a limited key
   * with nothing left.
   */
  private static boolean refused(Call c) {
    return c.status() == 403 || c.status() == 401;
  }

  private static void loop(OpenAIClient node, ConcurrentLinkedQueue<Call> calls) {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-3.5-turbo")
        .addUserMessage("hi").build();
    while (!stopClients) {
      long start = System.nanoTime();
      try {
        HttpResponseFor<ChatCompletion> raw = node.chat().completions().withRawResponse().create(params);
        raw.parse();
        calls.add(new Call(raw.headers().values("X-Oneapi-Request-Id").get(0), start, System.nanoTime(),
            raw.statusCode()));
      } catch (PermissionDeniedException | UnauthorizedException refused) {
        calls.add(new Call(null, start, System.nanoTime(), refused.statusCode()));
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a client's pause
      } catch (RuntimeException e) {
        calls.add(new Call(null, start, System.nanoTime(), -1));
      }
    }
  }

  /** The quota generation each request was admitted under, from its usage event on the usage topic. */
  private static Map<String, Long> generations(List<String> requestIds, Function<UsageEvent, Long> generationOf) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(Settings.KAFKA_BOOTSTRAP_SERVERS));
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    Map<String, Long> found = new HashMap<>();
    java.util.Set<String> wanted = new java.util.HashSet<>(requestIds);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      String topic = Topics.of(config).usage();
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      eventually(Duration.ofSeconds(30), () -> {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          UsageEvent e = UsageEvent.decode(r.value());
          if (wanted.contains(e.requestId())) {
            found.put(e.requestId(), generationOf.apply(e));
          }
        }
        assertThat(found).hasSize(wanted.size());
      });
    }
    return found;
  }

  private static OpenAIClient client(int port, String key) {
    return OpenAIOkHttpClient.builder().apiKey("sk-" + key).baseUrl("http://127.0.0.1:" + port + "/v1")
        .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
  }

  private static Void put(String path, JsonObject body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port1 + path))
        .timeout(Duration.ofSeconds(20)).header("Authorization", ACCESS).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(new JsonObject(r.body()).getBoolean("success")).as(r.body()).isTrue();
    return null;
  }

  private static Row row(String sql, Object... args) throws Exception {
    return sql(sql, Tuple.from(args)).iterator().next();
  }

  private static RowSet<Row> sql(String sql, Tuple args) throws Exception {
    return await(first.pg().preparedQuery(sql).execute(args));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
