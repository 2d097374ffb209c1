package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.balance.BalanceLeases;
import io.onegate.common.balance.LedgerUpdates;
import io.onegate.common.balance.LiveBalances;
import io.onegate.common.balance.QuotaCredits;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A billing flush and a management-API quota change (top-up, admin edit, redemption; a token's remaining quota set
 * by its owner) interleaved both ways between their PostgreSQL commits and their live-balance updates: the live
 * balance always ends equal to PostgreSQL (quota, quota_version and quota_generation) with nothing pending, and an
 * admin's absolute edit is the balance: usage admitted before it is not taken off the new value, in either order.
 * The API's live update is held back by a gate; the request is admitted through the relay's {@code BalanceLeases};
 * the flush is the billing worker's own statement ({@link LedgerUpdates}) followed by its {@code LiveBalances} call.
 */
class LiveBalanceRaceTest {
  private static final long USAGE = 300;
  private static final long INITIAL = 5_000;
  private static final AtomicInteger USERS = new AtomicInteger();

  private static ProcessRuntime runtime;
  private static HttpServer server;
  private static WebClient web;
  private static ManagementApi api;
  private static final LiveBalances.Seed NO_SEED = new LiveBalances.Seed(0, 0);
  private static LiveBalances balances;
  private static BalanceLeases relay;
  private static Gate gate;

  enum Change { TOP_UP, ADMIN_EDIT, REDEMPTION }

  enum Order {
    /** the change commits, then a flush commits and updates the live balance, then the change's update lands */
    CHANGE_COMMITS_FIRST_PUBLISHES_LAST,
    /** a flush commits, then the change commits and updates the live balance, then the flush's update lands */
    FLUSH_COMMITS_FIRST_PUBLISHES_LAST
  }

  /** Holds the API's live-balance updates until released, then applies them through the real sync. */
  static final class Gate implements BalanceSync {
    private final BalanceSync real;
    private final List<Supplier<Future<Void>>> held = new ArrayList<>();
    private boolean open = true;

    Gate(BalanceSync real) {
      this.real = real;
    }

    @Override
    public Future<Void> userQuotaChanged(QuotaCredits.QuotaState state) {
      return pass(() -> real.userQuotaChanged(state));
    }

    @Override
    public Future<Void> tokenQuotaChanged(int tokenId, long remainQuota, long quotaVersion, long quotaGeneration,
                                          boolean unlimited) {
      return pass(() -> real.tokenQuotaChanged(tokenId, remainQuota, quotaVersion, quotaGeneration, unlimited));
    }

    private synchronized Future<Void> pass(Supplier<Future<Void>> update) {
      if (open) {
        return update.get();
      }
      held.add(update);
      return Future.succeededFuture();
    }

    synchronized void close() {
      open = false;
    }

    /** Applies the one update that was held and waits until it is applied; later updates pass straight through. */
    void release() {
      List<Supplier<Future<Void>>> pending;
      synchronized (this) {
        open = true;
        pending = List.copyOf(held);
        held.clear();
      }
      assertThat(pending).as("the API's live update was held").hasSize(1);
      ApiHarness.await(pending.get(0).get(), 10);
    }
  }

  @BeforeAll
  static void start() {
    Config config = TestInfra.get().freshConfig(Map.of(Settings.GLOBAL_API_RATE_LIMIT.name(), "0",
        Settings.CRITICAL_RATE_LIMIT.name(), "100000"));
    runtime = ApiHarness.await(ProcessRuntime.start(config), 90);
    balances = ApiHarness.await(runtime.vertx().executeBlocking(() -> new LiveBalances(runtime.hazelcast())), 30);
    relay = new BalanceLeases(balances, BalanceLeases.Policy.disabled(), System::nanoTime);
    gate = new Gate(new LiveBalanceSync(runtime.vertx(), balances));
    Router router = Router.router(runtime.vertx());
    ManagementApi.Collaborators defaults = ManagementApi.Collaborators.defaults();
    api = ManagementApi.mount(router, runtime, new ManagementApi.Collaborators(defaults.tester(),
        defaults.balances(), defaults.models(), gate));
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

  static Stream<Arguments> cases() {
    return Stream.of(Change.values()).flatMap(c -> Stream.of(Order.values()).map(o -> Arguments.of(c, o)));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("cases")
  void liveBalanceEndsEqualToPostgres(Change change, Order order) {
    Context ctx = runtime.vertx().getOrCreateContext();
    ApiClient root = login("root", "123456");
    String name = "racer" + USERS.incrementAndGet();
    assertThat(root.post("/api/user/", new JsonObject().put("username", name).put("password", "racerpass1"))
        .success()).isTrue();
    Row created = sql("UPDATE users SET quota = $2, quota_version = quota_version + 1 WHERE username = $1 "
        + "RETURNING id, quota, quota_version, quota_generation", name, INITIAL);
    int id = created.getInteger(0);
    // the live entry as the cluster holds it: PostgreSQL's value, and a request in flight reserving USAGE
    ApiHarness.await(QuotaCredits.publish(balances, ctx, new QuotaCredits.QuotaState(id, INITIAL, INITIAL,
        created.getLong(2), created.getLong(3))), 10);
    BalanceLeases.Admission admitted = ApiHarness.await(relay.reserve(ctx, id, NO_SEED, null, NO_SEED, USAGE), 10);
    assertThat(admitted.admitted()).isTrue();
    long generation = admitted.userGeneration();
    String code = change == Change.REDEMPTION ? root.post("/api/redemption/", new JsonObject().put("name", "r")
        .put("quota", 1_000).put("count", 1)).array().getString(0) : null;
    ApiClient user = change == Change.REDEMPTION ? login(name, "racerpass1") : null;

    gate.close();
    if (order == Order.CHANGE_COMMITS_FIRST_PUBLISHES_LAST) {
      applyChange(change, root, user, id, code);
      publishUser(ctx, id, generation, flush(id, generation));
      gate.release();
    } else {
      Row flushed = flush(id, generation);
      applyChange(change, root, user, id, code);
      gate.release();
      publishUser(ctx, id, generation, flushed);
    }

    Row pg = sql("SELECT quota, quota_version, quota_generation, used_quota FROM users WHERE id = $1", id);
    long[] live = ApiHarness.await(balances.rawUser(ctx, id), 10);
    assertThat(live).as("live {settled, pending, version, generation} of user %d after %s, %s", id, change, order)
        .containsExactly(pg.getLong(0), 0L, pg.getLong(1), pg.getLong(2));
    long expected = switch (change) {
      case TOP_UP, REDEMPTION -> INITIAL + 1_000 - USAGE;
      // an admin's absolute edit is the balance: usage admitted before it is not taken off, whatever the order
      case ADMIN_EDIT -> 9_000;
    };
    assertThat(pg.getLong(0)).isEqualTo(expected);
    assertThat(pg.getLong(3)).as("the usage is in used_quota either way").isEqualTo(USAGE);
  }

  @ParameterizedTest(name = "token edit, {0}")
  @EnumSource(Order.class)
  void tokenLiveBalanceEndsEqualToPostgres(Order order) {
    Context ctx = runtime.vertx().getOrCreateContext();
    ApiClient root = login("root", "123456");
    String name = "holder" + USERS.incrementAndGet();
    assertThat(root.post("/api/user/", new JsonObject().put("username", name).put("password", "holderpass1"))
        .success()).isTrue();
    int userId = sql("SELECT id FROM users WHERE username = $1", name).getInteger(0);
    ApiClient owner = login(name, "holderpass1");
    int tokenId = owner.post("/api/token/", new JsonObject().put("name", "t").put("remain_quota", INITIAL)).obj()
        .getInteger("id");
    Row created = sql("SELECT remain_quota, quota_version, quota_generation FROM tokens WHERE id = $1", tokenId);
    ApiHarness.await(balances.ledgerToken(ctx, tokenId, 0, created.getLong(0), created.getLong(1),
        created.getLong(2)), 10);
    BalanceLeases.Admission admitted = ApiHarness.await(relay.reserve(ctx, userId,
        new LiveBalances.Seed(1_000_000, 0), tokenId, NO_SEED, USAGE), 10);
    assertThat(admitted.admitted()).isTrue();
    long generation = admitted.tokenGeneration();

    gate.close();
    JsonObject edit = new JsonObject().put("id", tokenId).put("remain_quota", 9_000);
    Row flushed;
    if (order == Order.CHANGE_COMMITS_FIRST_PUBLISHES_LAST) {
      assertThat(owner.put("/api/token/", edit).success()).isTrue();
      flushed = tokenFlush(tokenId, generation);
      publishToken(ctx, tokenId, generation, flushed);
      gate.release();
    } else {
      flushed = tokenFlush(tokenId, generation);
      assertThat(owner.put("/api/token/", edit).success()).isTrue();
      gate.release();
      publishToken(ctx, tokenId, generation, flushed);
    }

    Row pg = sql("SELECT remain_quota, quota_version, quota_generation, used_quota FROM tokens WHERE id = $1",
        tokenId);
    long[] live = ApiHarness.await(balances.rawToken(ctx, tokenId), 10);
    assertThat(live).as("live {settled, pending, version, generation} of token %d after %s", tokenId, order)
        .containsExactly(pg.getLong(0), 0L, pg.getLong(1), pg.getLong(2));
    assertThat(pg.getLong(0)).as("the owner's new remaining quota is the balance").isEqualTo(9_000);
    assertThat(pg.getLong(3)).isEqualTo(USAGE);
  }

  /** The billing worker's token update for one event of USAGE admitted under {@code generation}. */
  private static Row tokenFlush(int tokenId, long generation) {
    return ApiHarness.await(runtime.pg().withTransaction(tx -> tx.preparedQuery(LedgerUpdates.TOKENS)
        .execute(Tuple.tuple().addValue(new Integer[] {tokenId}).addValue(new Long[] {USAGE})
            .addValue(new Long[] {0L}).addValue(new Long[] {generation}).addValue(new Long[] {USAGE}))), 10)
        .iterator().next();
  }

  /** The worker's post-commit call: releases the usage only when it is of the row's generation (UsageAggregator). */
  private static void publishToken(Context ctx, int tokenId, long generation, Row flushed) {
    long generationAfter = flushed.getLong(4);
    ApiHarness.await(balances.ledgerToken(ctx, tokenId, generation == generationAfter ? USAGE : 0,
        flushed.getLong(1), flushed.getLong(2), generationAfter), 10);
  }

  private static void applyChange(Change change, ApiClient root, ApiClient user, int id, String code) {
    ApiClient.Resp r = switch (change) {
      case TOP_UP -> root.post("/api/topup", new JsonObject().put("user_id", id).put("quota", 1_000));
      case ADMIN_EDIT -> root.put("/api/user/", new JsonObject().put("id", id).put("quota", 9_000));
      case REDEMPTION -> user.post("/api/user/topup", new JsonObject().put("key", code));
    };
    assertThat(r.success()).as(r.raw()).isTrue();
  }

  /** The billing worker's user update for one event of USAGE admitted under {@code generation}. */
  private static Row flush(int id, long generation) {
    return ApiHarness.await(runtime.pg().withTransaction(tx -> tx.preparedQuery(LedgerUpdates.USERS)
        .execute(Tuple.tuple().addValue(new Integer[] {id}).addValue(new Long[] {USAGE}).addValue(new Integer[] {1})
            .addValue(new Long[] {0L}).addValue(new Long[] {generation}).addValue(new Long[] {USAGE}))), 10)
        .iterator().next();
  }

  /** The worker's post-commit call: releases the usage only when it is of the row's generation (UsageAggregator). */
  private static void publishUser(Context ctx, int id, long generation, Row flushed) {
    long generationAfter = flushed.getLong(3);
    ApiHarness.await(balances.ledgerUser(ctx, id, generation == generationAfter ? USAGE : 0, flushed.getLong(1),
        flushed.getLong(2), generationAfter), 10);
  }

  private static Row sql(String query, Object... args) {
    return ApiHarness.await(runtime.pg().preparedQuery(query).execute(Tuple.from(args)), 10).iterator().next();
  }

  private static ApiClient login(String user, String password) {
    ApiClient c = new ApiClient(web, server.actualPort());
    assertThat(c.post("/api/user/login", new JsonObject().put("username", user).put("password", password))
        .success()).isTrue();
    return c;
  }
}
