package io.onegate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.balance.LiveBalances;
import io.onegate.common.balance.QuotaCredits;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.gateway.GatewayApplication;
import io.onegate.testkit.Eventually;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Money in through the live paths of a gateway node (its real {@code /api} routes) against the real PostgreSQL
 * and Hazelcast: a redemption code credited exactly once under concurrency ({@code POST /api/user/topup}),
 * versioned live balance updates, and registration bonuses ({@code POST /api/user/register}).
 */
class RedemptionConcurrencyTest {
  private static final String CODE_USED = "该兑换码已被使用";
  private static final String CODE_INVALID = "无效的兑换码";
  private static ProcessRuntime runtime;
  private static ProcessMain.Application gateway;
  private static LiveBalances balances;
  private static Vertx clientVertx;
  private static WebClient web;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    Config config = TestInfra.get().freshConfig();
    runtime = get(ProcessRuntime.start(config));
    gateway = get(GatewayApplication.start(runtime));
    balances = get(runtime.vertx().executeBlocking(() -> new LiveBalances(runtime.hazelcast())));
    port = config.get(Settings.PORT);
    clientVertx = Vertx.vertx();
    web = WebClient.create(clientVertx);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      ProcessRuntime.awaitQuietly(gateway.stop(), Duration.ofSeconds(10));
    }
    if (runtime != null) {
      runtime.closeBlocking(Duration.ofSeconds(15));
    }
    if (clientVertx != null) {
      clientVertx.close();
    }
  }

  @Test
  void twentyConcurrentRedeemsOfOneCodeCreditOnce() throws Exception {
    int user = newUser("redeemer", 1000, "redeemer-access-token");
    String key = "c0de".repeat(8);
    get(runtime.pg().preparedQuery("INSERT INTO redemptions (user_id, key, status, name, quota, created_time) "
        + "VALUES (1, $1, 1, 'promo', 500000, 0)").execute(Tuple.of(key)));
    List<Future<HttpResponse<io.vertx.core.buffer.Buffer>>> attempts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      attempts.add(topUp("redeemer-access-token", key));
    }
    get(Future.join(attempts));
    List<JsonObject> answers = attempts.stream().map(f -> f.result().bodyAsJsonObject()).toList();
    long redeemed = answers.stream().filter(a -> a.getBoolean("success")).count();
    long refused = answers.stream().filter(a -> !a.getBoolean("success")
        && a.getString("message").contains(CODE_USED)).count();
    assertThat(redeemed).isEqualTo(1);
    assertThat(refused).isEqualTo(19);
    assertThat(answers.stream().filter(a -> a.getBoolean("success")).findFirst().orElseThrow().getLong("data"))
        .isEqualTo(500_000);
    Row row = get(runtime.pg().preparedQuery("SELECT quota FROM users WHERE id = $1").execute(Tuple.of(user)))
        .iterator().next();
    assertThat(row.getLong(0)).isEqualTo(501_000);
    assertThat(get(runtime.pg().preparedQuery("SELECT count(*) FROM logs WHERE user_id = $1 AND type = 1")
        .execute(Tuple.of(user))).iterator().next().getLong(0)).isEqualTo(1);
    Row code = get(runtime.pg().preparedQuery("SELECT status, redeemed_by FROM redemptions WHERE key = $1")
        .execute(Tuple.of(key))).iterator().next();
    assertThat(code.getInteger(0)).isEqualTo(3);
    assertThat(code.getInteger(1)).isEqualTo(user);
    // after its commit the route published PostgreSQL's value to the live balance
    Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(get(balances.availableUser(
        runtime.vertx().getOrCreateContext(), user))).isEqualTo(501_000));
    io.onegate.testkit.Figures.report("REDEMPTION TEST: 20 concurrent POST /api/user/topup of one code: %d "
        + "credited, %d refused (%s)%n", redeemed, refused, CODE_USED);
  }

  @Test
  void unknownCodeIsInvalid() throws Exception {
    newUser("nobody", 0, "nobody-access-token");
    JsonObject answer = get(topUp("nobody-access-token", "0".repeat(32))).bodyAsJsonObject();
    assertThat(answer.getBoolean("success")).isFalse();
    assertThat(answer.getString("message")).contains(CODE_INVALID);
  }

  @Test
  void staleLiveUpdatesNeverUndoANewerCredit() throws Exception {
    int user = newUser("versioned", 100, null);
    var ctx = runtime.vertx().getOrCreateContext();
    QuotaCredits.QuotaState first = get(runtime.pg().withTransaction(tx -> QuotaCredits.credit(tx, user, 50)))
        .orElseThrow();
    QuotaCredits.QuotaState second = get(runtime.pg().withTransaction(tx -> QuotaCredits.credit(tx, user, 850)))
        .orElseThrow();
    assertThat(second.before()).isEqualTo(150);
    get(QuotaCredits.publish(balances, ctx, second));
    get(QuotaCredits.publish(balances, ctx, first)); // arrives late: ignored
    assertThat(get(balances.availableUser(ctx, user))).isEqualTo(1000);
  }

  @Test
  void registrationBonusesCreditInviteeAndInviterWithSystemLogs() throws Exception {
    for (String[] option : new String[][] {{"QuotaForNewUser", "100"}, {"QuotaForInvitee", "20"},
        {"QuotaForInviter", "30"}}) {
      get(runtime.pg().preparedQuery("INSERT INTO options (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE "
          + "SET value = EXCLUDED.value").execute(Tuple.of(option[0], option[1])));
    }
    assertThat(register("inviter", "").getBoolean("success")).isTrue();
    Row inviter = get(runtime.pg().preparedQuery("SELECT id, aff_code FROM users WHERE username = 'inviter'")
        .execute()).iterator().next();
    assertThat(register("invitee", inviter.getString("aff_code")).getBoolean("success")).isTrue();
    int invitee = get(runtime.pg().preparedQuery("SELECT id FROM users WHERE username = 'invitee'").execute())
        .iterator().next().getInteger(0);
    assertThat(quota(invitee)).as("new-user bonus + invitee bonus").isEqualTo(120);
    assertThat(quota(inviter.getInteger("id"))).as("its own new-user bonus + inviter bonus").isEqualTo(130);
    assertThat(get(runtime.pg().preparedQuery("SELECT count(*) FROM logs WHERE type = 4 AND user_id = ANY($1)")
        .execute(Tuple.of((Object) new Integer[] {inviter.getInteger("id"), invitee}))).iterator().next()
        .getLong(0)).isEqualTo(4);
  }

  private static Future<HttpResponse<io.vertx.core.buffer.Buffer>> topUp(String accessToken, String key) {
    return web.post(port, "127.0.0.1", "/api/user/topup").putHeader("Authorization", "Bearer " + accessToken)
        .sendJsonObject(new JsonObject().put("key", key));
  }

  private static JsonObject register(String username, String affCode) throws Exception {
    return get(web.post(port, "127.0.0.1", "/api/user/register").sendJsonObject(new JsonObject()
        .put("username", username).put("password", "secret-pass-1").put("aff_code", affCode))).bodyAsJsonObject();
  }

  private static long quota(int user) throws Exception {
    return get(runtime.pg().preparedQuery("SELECT quota FROM users WHERE id = $1").execute(Tuple.of(user)))
        .iterator().next().getLong(0);
  }

  private static int newUser(String name, long quota, String accessToken) throws Exception {
    return get(runtime.pg().preparedQuery("INSERT INTO users (username, password, quota, access_token) "
        + "VALUES ($1, 'x', $2, $3) RETURNING id").execute(Tuple.of(name, quota, accessToken))).iterator().next()
        .getInteger(0);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
