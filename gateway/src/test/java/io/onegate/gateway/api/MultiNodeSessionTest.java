package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.common.domain.ChangeNotice;
import io.onegate.testkit.Eventually;
import io.onegate.testkit.FakeOpenAiUpstream;
import io.onegate.testkit.Figures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes in one cluster: a session made on one works on the other, a user disabled on one node is
 * refused on the other within a second (cookie and access token), with a USER change notice seen cluster-wide, and
 * a user created or registered on one node relays with its default token on the other within a second.
 */
class MultiNodeSessionTest {
  private static ApiHarness h;
  private static Vertx fakeVertx;
  private static FakeOpenAiUpstream upstream;

  @BeforeAll
  static void start() throws Exception {
    h = ApiHarness.start(2, Map.of());
    fakeVertx = Vertx.vertx();
    upstream = ApiHarness.await(new FakeOpenAiUpstream(fakeVertx).start(), 10);
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
    if (fakeVertx != null) {
      ProcessRuntime.awaitQuietly(fakeVertx.close(), Duration.ofSeconds(10));
    }
  }

  /** A chat completion relayed by {@code node} with {@code key}; the HTTP status. */
  private static int relay(int node, String key) {
    return ApiHarness.await(h.web.post(h.apps.get(node).port(), "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer sk-" + key)
        .sendJsonObject(new JsonObject().put("model", "fresh-model").put("messages", new JsonArray()
            .add(new JsonObject().put("role", "user").put("content", "hi")))), 30).statusCode();
  }

  private static String defaultKey(String username) {
    return h.vault().open(h.sql("SELECT t.key_sealed FROM tokens t JOIN users u ON u.id = t.user_id "
        + "WHERE u.username = $1 AND t.name = 'default'", username).iterator().next().getString(0));
  }

  /** Relays on node B with the user's default token until it works; milliseconds since {@code createdAtNanos}. */
  private static long firstRelayOnB(String username, long createdAtNanos) {
    String key = defaultKey(username);
    Eventually.eventually(Duration.ofSeconds(5), () -> assertThat(relay(1, key)).as(username).isEqualTo(200));
    return (System.nanoTime() - createdAtNanos) / 1_000_000;
  }

  @Test
  void aNewUsersDefaultTokenRelaysOnTheOtherNodeWithinOneSecond() {
    ApiClient rootA = h.root();
    for (String[] kv : new String[][] {{"ModelRatio", "{\"fresh-model\":1}"}, {"QuotaForNewUser", "1000000"}}) {
      assertThat(rootA.put("/api/option/", new JsonObject().put("key", kv[0]).put("value", kv[1])).success())
          .isTrue();
    }
    assertThat(rootA.post("/api/channel/", new JsonObject().put("type", 1).put("name", "fresh")
        .put("key", "sk-fresh-upstream").put("base_url", upstream.baseUrl()).put("models", "fresh-model")
        .put("group", "default")).success()).isTrue();
    String rootKey = rootA.post("/api/token/", new JsonObject().put("name", "warm-up").put("unlimited_quota", true))
        .obj().getString("key");
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(relay(1, rootKey)).as("channel and options on B")
        .isEqualTo(200));

    assertThat(rootA.post("/api/user/", new JsonObject().put("username", "fresh1").put("password", "freshpass1"))
        .success()).isTrue();
    long adminCreatedMs = firstRelayOnB("fresh1", System.nanoTime()); // from the moment node A answered

    assertThat(h.client(0).post("/api/user/register", new JsonObject().put("username", "fresh2")
        .put("password", "freshpass2")).success()).isTrue();
    long registeredMs = firstRelayOnB("fresh2", System.nanoTime());

    Figures.report("new user's default token relays on node B after %d ms (created by an admin), %d ms (registered)",
        adminCreatedMs, registeredMs);
    assertThat(adminCreatedMs).as("created through /api/user/").isLessThan(1000);
    assertThat(registeredMs).as("registered").isLessThan(1000);
  }

  @Test
  void aDisabledUserIsRefusedOnTheOtherNodeWithinOneSecond() throws Exception {
    CopyOnWriteArrayList<ChangeNotice> seenOnB = new CopyOnWriteArrayList<>();
    ApiHarness.await(h.runtimes.get(1).vertx().eventBus().<JsonObject>consumer(ClusterNames.CHANGES_ADDRESS,
        m -> seenOnB.add(ChangeNotice.fromJson(m.body()))).completion(), 10);
    ApiClient rootA = h.root();
    int id = h.createUser(rootA, "roamer", "roamerpass", Roles.COMMON);
    ApiClient userA = h.login("roamer", "roamerpass");
    ApiClient userB = userA.on(h.client(1));
    assertThat(userB.get("/api/user/self").obj().getString("username")).isEqualTo("roamer");
    String accessToken = userB.get("/api/user/token").json().getString("data");
    ApiClient tokenB = h.client(1);
    tokenB.accessToken = accessToken;
    assertThat(tokenB.get("/api/user/self").success()).isTrue();

    assertThat(rootA.post("/api/user/manage", new JsonObject().put("username", "roamer").put("action", "disable"))
        .success()).isTrue();
    long disabledAt = System.nanoTime();
    ApiClient.Resp refused = userB.get("/api/user/self");
    ApiClient.Resp refusedToken = tokenB.get("/api/user/self");
    long elapsedMs = (System.nanoTime() - disabledAt) / 1_000_000;
    assertThat(RoleMatrixTest.refused(refused)).contains("封禁");
    assertThat(RoleMatrixTest.refused(refusedToken)).contains("封禁");
    assertThat(elapsedMs).as("refused on node B within 1 s").isLessThan(1000);
    long deadline = System.currentTimeMillis() + 1000;
    while (seenOnB.stream().noneMatch(n -> n.equals(new ChangeNotice(ChangeNotice.Kind.USER, id)))
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(seenOnB).contains(new ChangeNotice(ChangeNotice.Kind.USER, id));

    assertThat(rootA.post("/api/user/manage", new JsonObject().put("username", "roamer").put("action", "enable"))
        .success()).isTrue();
    assertThat(tokenB.get("/api/user/self").success()).as("re-enabled at once too").isTrue();
  }

  @Test
  void failedLoginsAreCountedAcrossNodes() {
    h.createUser(h.root(), "spread", "spreadpass", Roles.COMMON);
    for (int i = 0; i < 5; i++) {
      ApiClient.Resp r = h.client(i % 2).post("/api/user/login", new JsonObject().put("username", "spread")
          .put("password", "wrong" + i));
      assertThat(RoleMatrixTest.refused(r)).contains("用户名或密码错误");
    }
    for (int node = 0; node < 2; node++) {
      ApiClient.Resp locked = h.client(node).post("/api/user/login", new JsonObject().put("username", "spread")
          .put("password", "spreadpass"));
      assertThat(locked.status()).as("node " + node).isEqualTo(429);
    }
  }

  @Test
  void aDemotedAdminLosesAdminRoutesOnEveryNodeAtOnce() {
    ApiClient rootA = h.root();
    h.createUser(rootA, "demo", "demopass1", Roles.ADMIN);
    ApiClient adminB = h.login("demo", "demopass1").on(h.client(1));
    assertThat(adminB.get("/api/user/?p=0").success()).isTrue();
    assertThat(rootA.post("/api/user/manage", new JsonObject().put("username", "demo").put("action", "demote"))
        .success()).isTrue();
    assertThat(RoleMatrixTest.refused(adminB.get("/api/user/?p=0"))).contains("权限不足");
  }
}
