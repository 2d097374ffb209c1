package io.onegate.health.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.onegate.common.cluster.HazelcastSetup;
import io.onegate.common.config.Config;
import io.onegate.health.MutableClock;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The leader lease on two real Hazelcast members, with a hand-moved clock. */
class LeaderLeaseTest {
  private static final Duration LEASE = Duration.ofSeconds(15);
  private static Vertx vertx;
  private static HazelcastInstance first;
  private static HazelcastInstance second;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @BeforeAll
  static void start() {
    Config config = TestInfra.get().freshConfig();
    first = Hazelcast.newHazelcastInstance(HazelcastSetup.memberConfig(config));
    second = Hazelcast.newHazelcastInstance(HazelcastSetup.memberConfig(config));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close();
    }
    if (second != null) {
      second.shutdown();
    }
    if (first != null) {
      first.shutdown();
    }
  }

  private LeaderLease lease(HazelcastInstance member, String name, String key) {
    return new LeaderLease(vertx, member, "test-leases", key, name, LEASE, clock);
  }

  @Test
  void onlyOneMemberHoldsTheLeaseUntilItExpires() throws Exception {
    assertThat(first.getCluster().getMembers()).hasSize(2);
    LeaderLease a = lease(first, "a", "k1");
    LeaderLease b = lease(second, "b", "k1");
    assertThat(sync(a.acquireOrRenew())).isTrue();
    assertThat(sync(b.acquireOrRenew())).isFalse();
    assertThat(a.isLeader()).isTrue();
    assertThat(b.isLeader()).isFalse();
    clock.advance(Duration.ofSeconds(10));
    assertThat(sync(a.acquireOrRenew())).as("renewed by its holder").isTrue();
    clock.advance(Duration.ofSeconds(10));
    assertThat(sync(b.acquireOrRenew())).as("renewal pushed the expiry").isFalse();
    // the holder stops renewing (dead): after one lease the other member takes over
    clock.advance(LEASE);
    assertThat(a.isLeader()).as("the holder's own view expires too").isFalse();
    assertThat(sync(b.acquireOrRenew())).isTrue();
    assertThat(sync(a.acquireOrRenew())).as("the old holder cannot come back while b renews").isFalse();
  }

  @Test
  void releasingHandsTheLeaseOverAtOnce() throws Exception {
    LeaderLease a = lease(first, "a", "k2");
    LeaderLease b = lease(second, "b", "k2");
    assertThat(sync(a.acquireOrRenew())).isTrue();
    sync(a.release());
    assertThat(a.isLeader()).isFalse();
    assertThat(sync(b.acquireOrRenew())).isTrue();
  }

  private static <T> T sync(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
