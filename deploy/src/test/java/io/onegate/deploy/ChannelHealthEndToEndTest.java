package io.onegate.deploy;

import static io.onegate.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.onegate.common.cluster.ChannelHold;
import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.embedded.FreePorts;
import io.onegate.gateway.GatewayApplication;
import io.onegate.health.HealthWorkerApplication;
import io.onegate.testkit.FakeOpenAiUpstream;
import io.onegate.testkit.Figures;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Channel health that users cannot game (issue 14, finding 2), across processes: two gateway nodes and a health
 * worker on real PostgreSQL, Kafka and Hazelcast, two channels A and B on fake OpenAI upstreams, RetryTimes 2,
 * AutomaticDisableChannelEnabled on and AutomaticEnableChannelEnabled off (a disabled channel would stay down).
 * Client-caused 404s and a FastGPT-like mix of 429s and 500s leave A enabled and in service; repeated 5xx open
 * A's breaker (traffic goes to B meanwhile) and a probe closes it once the upstream recovers; a dead key still
 * disables A on every node within a second.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChannelHealthEndToEndTest {
  private static final String KEY = "e2eBreakerToken000000000000000000000000000000001";
  private static final String CHAT = "/v1/chat/completions";
  private static final String MODEL = "gpt-3.5-turbo";
  /** A model only channel A serves: node 2's model list shows whether its snapshot still has A enabled. */
  private static final String A_ONLY = "a-only-model";

  private static ProcessRuntime first;
  private static ProcessRuntime second;
  private static final List<ProcessMain.Application> apps = new ArrayList<>();
  private static FakeOpenAiUpstream upA;
  private static FakeOpenAiUpstream upB;
  private static int channelA;
  private static int channelB;
  private static int port1;
  private static int port2;
  private static OpenAIClient node1;
  private static OpenAIClient node2;
  private static IMap<Integer, long[]> holds;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    Config config = TestInfra.get().freshConfig(Map.of(
        Settings.HEALTH_FLIP_COOLDOWN.name(), "0",
        Settings.HEALTH_TEST_TIMEOUT.name(), "5",
        Settings.HEALTH_BREAKER_OPEN_SECONDS.name(), "2",
        Settings.HEALTH_RATE_LIMIT_COOLDOWN_SECONDS.name(), "1",
        Settings.POLLING_INTERVAL.name(), "0"));
    port1 = config.get(Settings.PORT);
    port2 = FreePorts.find();
    first = await(ProcessRuntime.start(config));
    upA = await(new FakeOpenAiUpstream(first.vertx()).start());
    upB = await(new FakeOpenAiUpstream(first.vertx()).start());
    seed();
    second = await(ProcessRuntime.start(config.with(Settings.PORT, port2)));
    apps.add(await(GatewayApplication.start(first)));
    apps.add(await(GatewayApplication.start(second)));
    apps.add(await(HealthWorkerApplication.start(first)));
    holds = second.hazelcast().getMap(ClusterNames.CHANNEL_HOLDS);
    node1 = client(port1);
    node2 = client(port2);
  }

  @AfterAll
  static void stop() {
    apps.forEach(app -> ProcessRuntime.awaitQuietly(app.stop(), Duration.ofSeconds(5)));
    for (ProcessRuntime runtime : new ProcessRuntime[] {second, first}) {
      if (runtime != null) {
        runtime.closeBlocking(Duration.ofSeconds(15));
      }
    }
  }

  private static void seed() throws Exception {
    for (var option : Map.of("AutomaticDisableChannelEnabled", "true", "AutomaticEnableChannelEnabled", "false",
        "RetryTimes", "2", "ModelRatio", "{\"rerank-model\":0.1,\"" + A_ONLY + "\":1}").entrySet()) {
      sql("INSERT INTO options (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2",
          Tuple.of(option.getKey(), option.getValue()));
    }
    sql("INSERT INTO tokens (user_id, key, status, name, expired_time, remain_quota, unlimited_quota) "
        + "VALUES (1, $1, 1, 'e2e', -1, 0, true)", Tuple.of(KEY));
    channelA = channel("A", upA, MODEL + ",rerank-model," + A_ONLY);
    channelB = channel("B", upB, MODEL + ",rerank-model");
  }

  private static int channel(String name, FakeOpenAiUpstream upstream, String models) throws Exception {
    int id = sql("INSERT INTO channels (type, key, status, name, weight, base_url, models, \"group\", priority) "
        + "VALUES (1, 'sk-up-" + name + "', 1, $1, 1, $2, $3, 'default', 0) RETURNING id",
        Tuple.of(name, upstream.baseUrl(), models)).iterator().next().getInteger(0);
    for (String model : models.split(",")) {
      sql("INSERT INTO abilities (\"group\", model, channel_id, enabled, priority) VALUES ('default', $1, $2, "
          + "true, 0)", Tuple.of(model, id));
    }
    return id;
  }

  // ---- phases -------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void aHundredRequestsToARouteTheUpstreamLacksLeaveTheChannelsInService() throws Exception {
    for (FakeOpenAiUpstream up : List.of(upA, upB)) {
      // what api.openai.com answers for a path it does not have
      up.onPath("/v1/rerank", (v, req, body, resp) -> json(resp, 404, new JsonObject().put("error", new JsonObject()
          .put("message", "Invalid URL (POST /v1/rerank)").put("type", "invalid_request_error").putNull("param")
          .putNull("code"))));
    }
    for (int i = 0; i < 20; i++) {
      chat(i % 2 == 0 ? node1 : node2);
    }
    int reached = upA.requests().size() + upB.requests().size();
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> r = post(i % 2 == 0 ? port1 : port2, "/v1/rerank", new JsonObject()
          .put("model", "rerank-model").put("query", "q").put("documents", List.of("a", "b")));
      assertThat(r.statusCode()).as("the client's own 404").isEqualTo(404);
    }
    assertThat(upA.requests().size() + upB.requests().size() - reached).as("every request tried both channels")
        .isEqualTo(200);
    upA.clearPath("/v1/rerank");
    upB.clearPath("/v1/rerank");

    assertJudgedAndInService();
  }

  @Test
  @Order(2)
  void rateLimitsAndAFewServerErrorsUnderRetriesLeaveTheChannelInService() throws Exception {
    // A's next 25 chat attempts: 3 × 429 (retry-after 1 s) and 2 × 500 among 20 successes (FastGPT's pattern)
    AtomicInteger attempt = new AtomicInteger();
    upA.onPath(CHAT, (v, req, body, resp) -> {
      switch (attempt.incrementAndGet()) {
        case 3, 11, 19 -> resp.putHeader("Retry-After", "1").setStatusCode(429).putHeader("Content-Type",
            "application/json").end(new JsonObject().put("error", new JsonObject().put("message", "Rate limit "
            + "reached for requests").put("type", "requests").putNull("param").put("code", "rate_limit_exceeded"))
            .encode());
        case 7, 15 -> json(resp, 500, new JsonObject().put("error", new JsonObject().put("message",
            "The server had an error while processing your request").put("type", "server_error").putNull("param")
            .putNull("code")));
        default -> upA.standardReply().answer(v, req, body, resp);
      }
    });
    chatUntil(() -> attempt.get() >= 25, node1, node2); // every client gets its answer: failures retried on B
    upA.clearPath(CHAT);
    assertJudgedAndInService();
  }

  @Test
  @Order(3)
  void repeated5xxOpenTheBreakerTrafficGoesToTheOtherChannelAndAProbeClosesItAfterRecovery() throws Exception {
    AtomicLong fifthFailure = new AtomicLong();
    AtomicInteger failures = new AtomicInteger();
    upA.onPath(CHAT, (v, req, body, resp) -> {
      if (failures.incrementAndGet() == 5) {
        fifthFailure.set(System.nanoTime());
      }
      json(resp, 502, new JsonObject().put("error", new JsonObject().put("message", "Bad gateway")
          .put("type", "server_error").putNull("param").putNull("code")));
    });
    chatUntil(() -> failures.get() >= 5, node1, node2);
    eventually(Duration.ofSeconds(10), () -> assertThat(hold(channelA)).isNotNull()
        .extracting(ChannelHold::kind).isEqualTo(ChannelHold.Kind.BREAKER_OPEN));
    Figures.report("BREAKER fifth 5xx answered -> hold in the cluster map: %d ms%n",
        (System.nanoTime() - fifthFailure.get()) / 1_000_000);

    // while open, both nodes route around A: within moments every request goes to B
    for (OpenAIClient node : List.of(node1, node2)) {
      eventually(Duration.ofSeconds(2), () -> {
        assertThat(chatsReachingA(node, 20)).as("A skipped while its breaker is open").isZero();
      });
    }
    // the first probe (after 2 s) still fails: the breaker stays open, the next probe comes later
    long firstHoldEnd = hold(channelA).untilMillis();
    eventually(Duration.ofSeconds(15), () -> assertThat(hold(channelA)).isNotNull()
        .extracting(ChannelHold::untilMillis).isNotEqualTo(firstHoldEnd));
    assertThat(hold(channelA).kind()).isEqualTo(ChannelHold.Kind.BREAKER_OPEN);

    // the upstream recovers: the next probe passes, the breaker closes by itself and both nodes use A again
    upA.clearPath(CHAT);
    long recovered = System.nanoTime();
    eventually(Duration.ofSeconds(20), () -> assertThat(hold(channelA)).isNull());
    Figures.report("BREAKER upstream recovered -> breaker closed by its probe: %d ms%n",
        (System.nanoTime() - recovered) / 1_000_000);
    assertThat(status(channelA)).as("a breaker never changes the status").isEqualTo(1);
    assertThat(probes(upA)).as("the health worker probed A").isGreaterThanOrEqualTo(2);
    for (OpenAIClient node : List.of(node1, node2)) {
      eventually(Duration.ofSeconds(5), () -> {
        assertThat(chatsReachingA(node, 10)).as("A back in service").isPositive();
      });
    }
    assertThat(systemLogs()).as("nothing was disabled").isZero();
  }

  @Test
  @Order(4)
  void aDeadKeyStillDisablesTheChannelOnEveryNodeWithinASecond() throws Exception {
    List<Long> millis = new ArrayList<>();
    for (int trial = 0; trial < 5; trial++) {
      eventually(Duration.ofSeconds(10), () -> assertThat(node2Serves(A_ONLY)).isTrue());
      AtomicLong died = new AtomicLong();
      upA.onPath(CHAT, (v, req, body, resp) -> {
        died.compareAndSet(0, System.nanoTime());
        json(resp, 401, new JsonObject().put("error", new JsonObject().put("message", "Incorrect API key provided")
            .put("type", "invalid_request_error").putNull("param").put("code", "invalid_api_key")));
      });
      chatUntil(() -> died.get() != 0, node1); // the client still gets its answer from B
      // node 2's own snapshot: A's only model leaves its model list once A is disabled there
      eventually(Duration.ofSeconds(10), () -> assertThat(node2Serves(A_ONLY)).isFalse());
      millis.add((System.nanoTime() - died.get()) / 1_000_000);
      assertThat(status(channelA)).isEqualTo(3);
      assertThat(chatsReachingA(node2, 20)).as("node 2 no longer routes to the disabled channel").isZero();
      upA.clearPath(CHAT);
      reenableByHand(channelA);
    }
    List<Long> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    Figures.report("DEAD KEY 401 answered -> channel gone from node 2's snapshot, 5 trials: median=%d ms, max=%d ms, "
        + "all=%s%n", sorted.get(2), sorted.get(4), millis);
    assertThat(sorted.get(4)).as("cluster-wide within 1 s").isLessThan(1_000L);
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  /**
   * A 429 with a 3 s retry-after on A, after everything sent so far: A's outcomes are consumed in order, so once its
   * cool-down is visible every earlier outcome was judged. Then A and B are enabled, A is not behind a breaker, and
   * once the cool-down ends both nodes route to A again.
   */
  private static void assertJudgedAndInService() throws Exception {
    long asked = System.currentTimeMillis();
    upA.replyNext((v, req, body, resp) -> resp.putHeader("Retry-After", "3").setStatusCode(429)
        .putHeader("Content-Type", "application/json").end(new JsonObject().put("error", new JsonObject()
            .put("message", "Rate limit reached").put("type", "requests").putNull("param")
            .put("code", "rate_limit_exceeded")).encode()));
    int seen = upA.requests().size();
    chatUntil(() -> upA.requests().size() > seen, node1); // A may still be cooling down from a 429 before
    eventually(Duration.ofSeconds(10), () -> assertThat(hold(channelA)).isNotNull()
        .satisfies(h -> assertThat(h.untilMillis()).isGreaterThanOrEqualTo(asked + 3_000)));
    assertThat(hold(channelA).kind()).as("cooling down, not a breaker").isEqualTo(ChannelHold.Kind.COOL_DOWN);
    assertThat(hold(channelB)).as("B was never held").isNull();
    assertThat(status(channelA)).isEqualTo(1);
    assertThat(status(channelB)).isEqualTo(1);
    for (OpenAIClient node : List.of(node1, node2)) {
      eventually(Duration.ofSeconds(10), () -> {
        assertThat(chatsReachingA(node, 10)).as("A in service on both nodes").isPositive();
      });
    }
    assertThat(status(channelA)).isEqualTo(1);
    assertThat(status(channelB)).isEqualTo(1);
    assertThat(systemLogs()).as("no channel was ever disabled").isZero();
  }

  /** Sends chats, round robin over {@code nodes}, until {@code done} (load, not a wait: at most 60 s). */
  private static void chatUntil(java.util.function.BooleanSupplier done, OpenAIClient... nodes) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int i = 0; !done.getAsBoolean(); i++) {
      assertThat(System.nanoTime() - deadline).as("traffic reached the channel in time").isNegative();
      chat(nodes[i % nodes.length]);
    }
  }

  private static ChannelHold hold(int channelId) {
    return ChannelHold.fromArray(holds.get(channelId));
  }

  private static OpenAIClient client(int port) {
    return OpenAIOkHttpClient.builder().apiKey("sk-" + KEY).baseUrl("http://127.0.0.1:" + port + "/v1")
        .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
  }

  private static void chat(OpenAIClient node) {
    var answer = node.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
        .addUserMessage("hi").build());
    assertThat(answer.choices()).isNotEmpty();
  }

  private static boolean node2Serves(String model) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port2
        + "/v1/models/" + model)).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer sk-" + KEY)
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200;
  }

  private static HttpResponse<String> post(int port, String path, JsonObject body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer sk-" + KEY)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void json(HttpServerResponse resp, int status, JsonObject body) {
    resp.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** Sends {@code n} chats through {@code node} (each answered); how many of them the relay sent to A. */
  private static long chatsReachingA(OpenAIClient node, int n) {
    long before = relayed(upA);
    for (int i = 0; i < n; i++) {
      chat(node);
    }
    return relayed(upA) - before;
  }

  /** Chat requests the relay sent (the health worker's probes ask with TEST_PROMPT, not "hi"). */
  private static long relayed(FakeOpenAiUpstream upstream) {
    return upstream.requests().stream().filter(r -> r.path().equals(CHAT)
        && r.body().toString().contains("\"content\":\"hi\"")).count();
  }

  private static long probes(FakeOpenAiUpstream upstream) {
    return upstream.requests().stream().filter(r -> r.path().equals(CHAT)).count() - relayed(upstream);
  }

  private static void reenableByHand(int id) throws Exception {
    sql("UPDATE channels SET status = 1 WHERE id = $1", Tuple.of(id));
    sql("UPDATE abilities SET enabled = true WHERE channel_id = $1", Tuple.of(id));
    first.vertx().eventBus().publish(ClusterNames.CHANGES_ADDRESS,
        new io.onegate.common.domain.ChangeNotice(io.onegate.common.domain.ChangeNotice.Kind.CHANNEL, id).toJson());
  }

  private static int status(int channelId) throws Exception {
    return sql("SELECT status FROM channels WHERE id = $1", Tuple.of(channelId)).iterator().next().getInteger(0);
  }

  private static long systemLogs() throws Exception {
    return sql("SELECT count(*) FROM logs WHERE type = 4 AND channel_id = ANY($1)",
        Tuple.of(new Integer[] {channelA, channelB})).iterator().next().getLong(0);
  }

  private static RowSet<Row> sql(String sql, Tuple args) throws Exception {
    return await(first.pg().preparedQuery(sql).execute(args));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
