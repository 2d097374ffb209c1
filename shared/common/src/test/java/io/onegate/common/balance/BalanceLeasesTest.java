package io.onegate.common.balance;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.onegate.common.cluster.HazelcastSetup;
import io.onegate.common.config.Config;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Leases over real live balances on a two-member Hazelcast cluster (loopback): two "nodes", each with its own
 * {@link BalanceLeases}, admit against one user's balance.
 */
class BalanceLeasesTest {
  private static final BalanceLeases.Policy POLICY = new BalanceLeases.Policy(500_000, 64, 16, 1_000_000_000L);
  private static HazelcastInstance hz1;
  private static HazelcastInstance hz2;
  private static Vertx vertx;
  private static Context ctx;
  private static int nextUser = 1;
  private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);

  @BeforeAll
  static void cluster() {
    Config config = Config.of(Map.of("SQL_DSN", "postgres://unused", "HAZELCAST_CLUSTER_NAME",
        "leases-" + UUID.randomUUID(), "HAZELCAST_PORT", "15900", "HAZELCAST_MEMBERS", "127.0.0.1:15900",
        "HAZELCAST_INTERFACE", "127.0.0.1"));
    hz1 = Hazelcast.newHazelcastInstance(HazelcastSetup.memberConfig(config));
    hz2 = Hazelcast.newHazelcastInstance(HazelcastSetup.memberConfig(config));
    vertx = Vertx.vertx();
    ctx = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    hz2.shutdown();
    hz1.shutdown();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private BalanceLeases node(HazelcastInstance hz) {
    return new BalanceLeases(new LiveBalances(hz), POLICY, clock::get);
  }

  private static LiveBalances.Seed seed(long quota) {
    return new LiveBalances.Seed(quota, 0);
  }

  private static long pending(LiveBalances live, int user) throws Exception {
    return await(live.rawUser(ctx, user))[1];
  }

  @Test
  void withPlentyLeftOneHazelcastCallLeasesAheadAndLaterRequestsAreAdmittedLocally() throws Exception {
    int user = nextUser++;
    LiveBalances live = new LiveBalances(hz1);
    BalanceLeases node = node(hz1);
    assertThat(await(node.reserve(ctx, user, seed(100_000_000L), null, seed(0), 1_000)).admitted()).isTrue();
    long leased = node.leasedUser(user);
    assertThat(leased).as("64 requests' worth leased ahead").isEqualTo(64_000);
    assertThat(pending(live, user)).isEqualTo(65_000);
    for (int i = 0; i < 10; i++) {
      assertThat(await(node.reserve(ctx, user, seed(100_000_000L), null, seed(0), 1_000)).admitted()).isTrue();
    }
    assertThat(node.leasedUser(user)).isEqualTo(54_000);
    assertThat(pending(live, user)).as("no Hazelcast change for requests served from the lease").isEqualTo(65_000);
    // 11 requests reserved 1,000 each and actually cost 700: the lease grows by 300 each, locally.
    for (int i = 0; i < 11; i++) {
      node.settle(ctx, user, null, new BalanceLeases.Admission(true, 0, -1), 1_000, 700);
    }
    assertThat(node.leasedUser(user)).isEqualTo(54_000 + 11 * 300);
    await(node.returnAll(ctx));
    assertThat(node.leasedUser(user)).isZero();
    assertThat(pending(live, user)).as("after the lease is given back only the actual charges stay pending")
        .isEqualTo(11 * 700);
  }

  @Test
  void twoNodesNeverAdmitMoreThanTheBalanceAndAfterLeasesReturnEveryRequestTheBalanceCoversIsAdmitted()
      throws Exception {
    int user = nextUser++;
    long balance = 1_000_000;
    long amount = 1_000;
    BalanceLeases a = node(hz1);
    BalanceLeases b = node(hz2);
    List<Future<BalanceLeases.Admission>> all = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) {
      all.add((i % 2 == 0 ? a : b).reserve(ctx, user, seed(balance), null, seed(0), amount));
    }
    await(Future.join(all));
    long admitted = all.stream().filter(f -> f.result().admitted()).count();
    assertThat(admitted * amount).as("admitted across both nodes").isLessThanOrEqualTo(balance);
    await(a.returnAll(ctx));
    await(b.returnAll(ctx));
    while (await(b.reserve(ctx, user, seed(balance), null, seed(0), amount)).admitted()) {
      admitted++;
    }
    assertThat(admitted).as("requests admitted in all").isEqualTo(balance / amount);
    assertThat(pending(new LiveBalances(hz1), user)).isEqualTo(balance);
  }

  @Test
  void nearExhaustionNoLeaseIsTakenAndSettlementGoesStraightToHazelcast() throws Exception {
    int user = nextUser++;
    LiveBalances live = new LiveBalances(hz2);
    BalanceLeases node = node(hz1);
    BalanceLeases.Admission admission = await(node.reserve(ctx, user, seed(3_500), null, seed(0), 1_008));
    assertThat(admission.admitted()).isTrue();
    assertThat(node.leasedUser(user)).isZero();
    node.settle(ctx, user, null, admission, 1_008, 8);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (pending(live, user) != 8 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(pending(live, user)).isEqualTo(8);
  }

  @Test
  void aTokenShortOfBalanceRefusesTheRequestAndTheUserPartIsUndone() throws Exception {
    int user = nextUser++;
    int token = 10_000 + user;
    LiveBalances live = new LiveBalances(hz1);
    BalanceLeases node = node(hz1);
    assertThat(await(node.reserve(ctx, user, seed(100_000_000L), token, seed(500), 1_000)).admitted()).isFalse();
    assertThat(node.leasedUser(user)).as("the user's reservation went back to the lease").isEqualTo(65_000);
    await(node.returnAll(ctx));
    assertThat(pending(live, user)).isZero();
    assertThat(await(live.rawToken(ctx, token))[1]).isZero();
  }

  @Test
  void aUserShortOfBalanceRefusesTheRequestAndTheTokenPartAskedAlongsideIsUndone() throws Exception {
    int user = nextUser++;
    int token = 10_000 + user;
    LiveBalances live = new LiveBalances(hz1);
    BalanceLeases node = node(hz1);
    assertThat(await(node.reserve(ctx, user, seed(500), token, seed(100_000_000L), 1_000)).admitted()).isFalse();
    await(node.returnAll(ctx));
    assertThat(pending(live, user)).isZero();
    assertThat(await(live.rawToken(ctx, token))[1]).as("the token's reservation and lease went back").isZero();
    // Both accounts are usable afterwards: a request the user can pay is admitted on both.
    assertThat(await(node.reserve(ctx, user, seed(500), token, seed(100_000_000L), 400)).admitted()).isTrue();
    await(node.returnAll(ctx));
    assertThat(pending(live, user)).isEqualTo(400);
    assertThat(await(live.rawToken(ctx, token))[1]).isEqualTo(400);
  }

  @Test
  void aLeaseUnusedForTheIdleTimeIsGivenBackAndAUsedOneIsKept() throws Exception {
    int idle = nextUser++;
    int busy = nextUser++;
    LiveBalances live = new LiveBalances(hz1);
    BalanceLeases node = node(hz1);
    assertThat(await(node.reserve(ctx, idle, seed(100_000_000L), null, seed(0), 1_000)).admitted()).isTrue();
    clock.addAndGet(600_000_000L);
    assertThat(await(node.reserve(ctx, busy, seed(100_000_000L), null, seed(0), 1_000)).admitted()).isTrue();
    clock.addAndGet(600_000_000L);
    await(node.returnIdle(ctx));
    assertThat(node.leasedUser(idle)).isZero();
    assertThat(pending(live, idle)).isEqualTo(1_000);
    assertThat(node.leasedUser(busy)).isEqualTo(64_000);
    assertThat(pending(live, busy)).isEqualTo(65_000);
  }

  @Test
  void aLoweredBalanceBindsANodeHoldingALeaseOnceTheLeaseIsOneSecondOld() throws Exception {
    int user = nextUser++;
    LiveBalances live = new LiveBalances(hz2);
    BalanceLeases node = node(hz1);
    assertThat(await(node.reserve(ctx, user, seed(100_000_000L), null, seed(0), 1_000)).admitted()).isTrue();
    // The ledger lowers the balance to 2,000 (PostgreSQL row at version 5, same generation: a flush or a debit):
    // exactly what the two admissions use.
    await(live.ledgerUser(ctx, user, 0, 2_000, 5, 0));
    clock.addAndGet(500_000_000L);
    assertThat(await(node.reserve(ctx, user, seed(100_000_000L), null, seed(0), 1_000)).admitted())
        .as("within the lease's second").isTrue();
    clock.addAndGet(600_000_000L);
    assertThat(await(node.reserve(ctx, user, seed(100_000_000L), null, seed(0), 1_000)).admitted())
        .as("lease renewal meets the new balance").isFalse();
    assertThat(node.leasedUser(user)).isZero();
    assertThat(pending(live, user)).as("the two admitted requests stay pending").isEqualTo(2_000);
  }

  @Test
  void anAdminsNewBalanceIsTheBalanceAndALeaseOfTheOldOneIsNeverSpentOnceTheNodeKnows() throws Exception {
    int user = nextUser++;
    LiveBalances live = new LiveBalances(hz2);
    BalanceLeases node = node(hz1);
    BalanceLeases.Admission before = await(node.reserve(ctx, user, seed(100_000_000L), null, seed(0), 1_000));
    assertThat(before.userGeneration()).isZero();
    assertThat(node.leasedUser(user)).isEqualTo(64_000);
    // An admin sets the balance to 2,000 (PostgreSQL row at version 5, generation 1): what was pending (the
    // request in flight, the node's lease) belonged to the old value.
    await(live.ledgerUser(ctx, user, 0, 2_000, 5, 1));
    assertThat(await(live.rawUser(ctx, user))).containsExactly(2_000, 0, 5, 1);
    // The node's snapshot has the new generation: its lease is not spent, the admission asks Hazelcast.
    LiveBalances.Seed known = new LiveBalances.Seed(2_000, 1);
    BalanceLeases.Admission after = await(node.reserve(ctx, user, known, null, seed(0), 1_000));
    assertThat(after).isEqualTo(new BalanceLeases.Admission(true, 1, -1));
    assertThat(pending(live, user)).as("the old lease's give-back did not touch the new value").isEqualTo(1_000);
    // The request admitted before the edit settles (it cost 700): nothing of it lands on the new value.
    node.settle(ctx, user, null, before, 1_000, 700);
    assertThat(await(node.reserve(ctx, user, known, null, seed(0), 1_000))).isEqualTo(after);
    assertThat(await(node.reserve(ctx, user, known, null, seed(0), 1_000)).admitted())
        .as("exactly the new 2,000 is spent").isFalse();
    await(node.returnAll(ctx));
    assertThat(pending(live, user)).isEqualTo(2_000);
  }

  @Test
  void aNodeThatHasNotHeardOfTheEditAdmitsFromItsOldLeaseForAtMostASecondUnderTheOldGeneration() throws Exception {
    int user = nextUser++;
    LiveBalances live = new LiveBalances(hz2);
    BalanceLeases node = node(hz1);
    assertThat(await(node.reserve(ctx, user, seed(100_000_000L), null, seed(0), 1_000)).admitted()).isTrue();
    await(live.ledgerUser(ctx, user, 0, 2_000, 5, 1));
    // stale snapshot (generation 0): the lease is still spent, and the admission says it was the old generation
    assertThat(await(node.reserve(ctx, user, seed(100_000_000L), null, seed(0), 1_000)))
        .isEqualTo(new BalanceLeases.Admission(true, 0, -1));
    clock.addAndGet(1_100_000_000L);
    assertThat(await(node.reserve(ctx, user, seed(100_000_000L), null, seed(0), 1_000)))
        .as("the renewal meets the new value").isEqualTo(new BalanceLeases.Admission(true, 1, -1));
    assertThat(node.leasedUser(user)).as("no lease: less than 16 requests' worth left").isZero();
    assertThat(pending(live, user)).isEqualTo(1_000);
  }
}
