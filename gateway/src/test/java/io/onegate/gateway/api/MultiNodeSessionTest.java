package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.domain.ChangeNotice;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes in one cluster: a session made on one works on the other, and a user disabled on one node is
 * refused on the other within a second (cookie and access token), with a USER change notice seen cluster-wide.
 */
class MultiNodeSessionTest {
  private static ApiHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = ApiHarness.start(2, Map.of());
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
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
