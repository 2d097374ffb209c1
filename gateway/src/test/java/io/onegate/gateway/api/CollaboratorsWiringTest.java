package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.balance.QuotaCredits;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The management API with its collaborators wired (as the lead will): a channel tester and a balance refresher
 * answer in One API's shapes, and every committed quota change reaches the live-balance hook with the quota and the
 * quota_version it committed.
 */
class CollaboratorsWiringTest {
  private static ProcessRuntime runtime;
  private static HttpServer server;
  private static WebClient web;
  private static ManagementApi api;
  private static final List<String> calls = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    Config config = TestInfra.get().freshConfig(Map.of(Settings.GLOBAL_API_RATE_LIMIT.name(), "0",
        Settings.CRITICAL_RATE_LIMIT.name(), "1000"));
    runtime = ApiHarness.await(ProcessRuntime.start(config), 90);
    ChannelTester tester = new ChannelTester() {
      @Override
      public Future<Result> test(int channelId, Optional<String> model) {
        return Future.succeededFuture(new Result(true, "", 1.25, model.orElse("gpt-4")));
      }

      @Override
      public Future<Void> testAll() {
        calls.add("testAll");
        return Future.succeededFuture();
      }
    };
    BalanceRefresher refresher = new BalanceRefresher() {
      @Override
      public Future<Double> refresh(int channelId) {
        return Future.succeededFuture(12.5);
      }

      @Override
      public Future<Void> refreshAll() {
        return Future.succeededFuture();
      }
    };
    BalanceSync sync = new BalanceSync() {
      @Override
      public Future<Void> userQuotaChanged(QuotaCredits.QuotaState state) {
        calls.add("user " + state.userId() + " " + state.before() + " -> " + state.quota() + " v"
            + state.version());
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> tokenQuotaChanged(int tokenId, long remainQuota, long quotaVersion, long quotaGeneration,
                                            boolean unlimited) {
        calls.add("token " + tokenId + " " + remainQuota + " v" + quotaVersion + (unlimited ? " unlimited" : ""));
        return Future.succeededFuture();
      }
    };
    Router router = Router.router(runtime.vertx());
    api = ManagementApi.mount(router, runtime, new ManagementApi.Collaborators(tester, refresher,
        new BuiltInModels(), sync));
    server = ApiHarness.await(runtime.vertx().createHttpServer().requestHandler(router).listen(0, "127.0.0.1"), 10);
    web = WebClient.create(runtime.vertx());
  }

  @AfterAll
  static void stop() {
    if (web != null) {
      web.close();
    }
    if (server != null) {
      ProcessRuntime.awaitQuietly(api.close().eventually(server::close), Duration.ofSeconds(5));
    }
    if (runtime != null) {
      runtime.closeBlocking(Duration.ofSeconds(15));
    }
  }

  private static ApiClient login(String user, String password) {
    ApiClient c = new ApiClient(web, server.actualPort());
    assertThat(c.post("/api/user/login", new JsonObject().put("username", user).put("password", password))
        .success()).isTrue();
    return c;
  }

  @Test
  void testsAndBalancesAnswerInOneApiShapes() {
    ApiClient root = login("root", "123456");
    int id = root.post("/api/channel/", new JsonObject().put("type", 1).put("key", "k-0123456789abcdef")
        .put("models", "gpt-4")).obj().getJsonArray("ids").getInteger(0);
    JsonObject test = root.get("/api/channel/test/" + id + "?model=gpt-4o").json();
    assertThat(test.getBoolean("success")).isTrue();
    assertThat(test.getDouble("time")).isEqualTo(1.25);
    assertThat(test.getString("modelName")).isEqualTo("gpt-4o");
    assertThat(root.get("/api/channel/test").success()).isTrue();
    assertThat(calls).contains("testAll");
    JsonObject balance = root.get("/api/channel/update_balance/" + id).json();
    assertThat(balance.getDouble("balance")).isEqualTo(12.5);
    assertThat(RoleMatrixTest.refused(root.get("/api/channel/test/999999"))).contains("does not exist");
  }

  @Test
  void committedQuotaChangesReachTheLiveBalanceHook() {
    ApiClient root = login("root", "123456");
    root.post("/api/user/", new JsonObject().put("username", "payer").put("password", "payerpass"));
    int id = ApiHarness.await(runtime.pg().query("SELECT id FROM users WHERE username = 'payer'").execute(), 10)
        .iterator().next().getInteger(0);
    assertThat(root.post("/api/topup", new JsonObject().put("user_id", id).put("quota", 500)).success()).isTrue();
    assertThat(root.put("/api/user/", new JsonObject().put("id", id).put("quota", 2000)).success()).isTrue();
    assertThat(root.put("/api/user/", new JsonObject().put("id", id).put("display_name", "P")).success()).isTrue();
    String code = root.post("/api/redemption/", new JsonObject().put("name", "c").put("quota", 300).put("count", 1))
        .array().getString(0);
    ApiClient payer = login("payer", "payerpass");
    assertThat(payer.post("/api/user/topup", new JsonObject().put("key", code)).success()).isTrue();
    int tokenId = payer.post("/api/token/", new JsonObject().put("name", "t").put("remain_quota", 10)).obj()
        .getInteger("id");
    assertThat(payer.put("/api/token/", new JsonObject().put("id", tokenId).put("remain_quota", 99)).success())
        .isTrue();
    assertThat(payer.put("/api/token/?status_only=1", new JsonObject().put("id", tokenId).put("status", 2))
        .success()).isTrue();
    assertThat(calls.stream().filter(c -> c.startsWith("user " + id + " ") || c.startsWith("token ")).toList())
        .containsExactly("user " + id + " 0 -> 500 v1", "user " + id + " 500 -> 2000 v2",
            "user " + id + " 2000 -> 2300 v3", "token " + tokenId + " 99 v1");
  }
}
