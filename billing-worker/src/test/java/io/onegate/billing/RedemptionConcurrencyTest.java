package io.onegate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.balance.LiveBalances;
import io.onegate.common.balance.QuotaCredits;
import io.onegate.common.balance.Redemptions;
import io.onegate.common.balance.Registrations;
import io.onegate.common.config.Config;
import io.onegate.common.options.Options;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Money in against the real PostgreSQL and Hazelcast: redemption exactly once, credits, registration bonuses. */
class RedemptionConcurrencyTest {
  private static ProcessRuntime runtime;
  private static Redemptions redemptions;
  private static LiveBalances balances;

  @BeforeAll
  static void start() throws Exception {
    Config config = TestInfra.get().freshConfig();
    runtime = ProcessRuntime.start(config).toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    redemptions = new Redemptions(runtime.pg(), Clock.systemUTC());
    balances = get(runtime.vertx().executeBlocking(() -> new LiveBalances(runtime.hazelcast())));
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.closeBlocking(Duration.ofSeconds(15));
    }
  }

  @Test
  void twentyConcurrentRedeemsOfOneCodeCreditOnce() throws Exception {
    int user = newUser("redeemer", 1000);
    String key = get(redemptions.create(1, "promo", 500_000, 1, new SplittableRandom(1))).get(0);
    List<Future<Redemptions.Outcome>> attempts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      attempts.add(redemptions.redeem(key, user, 500000));
    }
    get(Future.join(attempts));
    long redeemed = attempts.stream().filter(f -> f.result() instanceof Redemptions.Redeemed).count();
    long refused = attempts.stream().filter(f -> f.result() instanceof Redemptions.Refused r
        && r.message().equals(Redemptions.USED)).count();
    assertThat(redeemed).isEqualTo(1);
    assertThat(refused).isEqualTo(19);
    Row row = get(runtime.pg().preparedQuery("SELECT quota FROM users WHERE id = $1").execute(Tuple.of(user)))
        .iterator().next();
    assertThat(row.getLong(0)).isEqualTo(501_000);
    assertThat(get(runtime.pg().preparedQuery("SELECT count(*) FROM logs WHERE user_id = $1 AND type = 1")
        .execute(Tuple.of(user))).iterator().next().getLong(0)).isEqualTo(1);
    Row code = get(runtime.pg().preparedQuery("SELECT status, redeemed_by FROM redemptions WHERE key = $1")
        .execute(Tuple.of(key))).iterator().next();
    assertThat(code.getInteger(0)).isEqualTo(Redemptions.STATUS_USED);
    assertThat(code.getInteger(1)).isEqualTo(user);
    // after the commit the live balance takes PostgreSQL's value at once
    Redemptions.Redeemed done = (Redemptions.Redeemed) attempts.stream().map(Future::result)
        .filter(o -> o instanceof Redemptions.Redeemed).findFirst().orElseThrow();
    get(QuotaCredits.publish(balances, runtime.vertx().getOrCreateContext(), done.state()));
    assertThat(get(balances.availableUser(runtime.vertx().getOrCreateContext(), user))).isEqualTo(501_000);
    io.onegate.testkit.Figures.report("REDEMPTION TEST: 20 concurrent redeems of one code: %d credited, %d refused (%s)%n",
        redeemed, refused, Redemptions.USED);
  }

  @Test
  void unknownCodeIsInvalid() throws Exception {
    int user = newUser("nobody", 0);
    Redemptions.Outcome outcome = get(redemptions.redeem("0".repeat(32), user, 500000));
    assertThat(outcome).isEqualTo(new Redemptions.Refused(Redemptions.INVALID));
  }

  @Test
  void staleLiveUpdatesNeverUndoANewerCredit() throws Exception {
    int user = newUser("versioned", 100);
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
    Options options = Options.of(Map.of("QuotaForNewUser", "100", "QuotaForInvitee", "20",
        "QuotaForInviter", "30"));
    int inviter = newUser("inviter", 0);
    int invitee = newUser("invitee", Registrations.quotaForNewUser(options));
    List<QuotaCredits.QuotaState> states = get(runtime.pg().withTransaction(tx -> Registrations.grant(tx, invitee,
        inviter, options, Clock.systemUTC())));
    assertThat(states).extracting(QuotaCredits.QuotaState::quota).containsExactly(120L, 30L);
    assertThat(get(runtime.pg().preparedQuery("SELECT count(*) FROM logs WHERE type = 4 AND user_id = ANY($1)")
        .execute(Tuple.of((Object) new Integer[] {inviter, invitee}))).iterator().next().getLong(0)).isEqualTo(3);
  }

  private static int newUser(String name, long quota) throws Exception {
    return get(runtime.pg().preparedQuery("INSERT INTO users (username, password, quota) VALUES ($1, 'x', $2) "
        + "RETURNING id").execute(Tuple.of(name, quota))).iterator().next().getInteger(0);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
