package io.onegate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.common.options.Options;
import io.onegate.gateway.state.Snapshot;
import io.onegate.gateway.state.TokenRecord;
import io.onegate.gateway.state.UserRecord;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.Usage;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Routing as data: candidate tiers, the pinned channel, the weighted pick, the exclusion set and the retry rule. */
class RouteTest {
  private static final Channel A = ch(1, 10, 3, 1);
  private static final Channel B = ch(2, 10, 1, 1);
  private static final Channel C = ch(3, 5, 1, 1);
  private static final Channel OFF = ch(4, 20, 1, 2);
  private static final Snapshot SNAPSHOT = Snapshot.of(List.of(), List.of(
      new UserRecord(7, "u", 1, 1, 1000, "default", 0)), List.of(A, B, C, OFF), Options.defaults(),
      new io.onegate.common.crypto.TokenVault("route-test-secret"));

  private static Channel ch(int id, long priority, int weight, int status) {
    return new Channel(id, 1, "k", status, "c" + id, weight, "", List.of("m"), List.of("default"), Map.of(),
        priority, Map.of(), "", "");
  }

  private static Caller caller(int pinned) {
    TokenRecord token = new TokenRecord(1, 7, "key", 1, "t", -1, 0, true, Set.of(), List.of(), "", 0);
    return new Caller(token, SNAPSHOT.users().get(7), pinned);
  }

  @Test
  void picksTheHighestTierWeightedAndFallsToLowerTiersOnlyWhenExcluded() {
    Route route = Route.of(SNAPSHOT, caller(0), "m");
    assertThat(route.first()).isEqualTo(A);
    SplittableRandom random = new SplittableRandom(42);
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 40_000; i++) {
      counts.merge(route.pick(random).id(), 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys(1, 2); // tier 5 only when tier 10 is used up; 4 is disabled
    assertThat(counts.get(1) / 40_000.0).isBetween(0.73, 0.77); // weights 3:1
    Route withoutA = route.excluding(A);
    assertThat(withoutA.pick(random)).isEqualTo(B);
    assertThat(withoutA.excluding(B).pick(random)).isEqualTo(C);
    assertThat(withoutA.excluding(B).excluding(C).pick(random)).isNull();
    assertThat(route.excluded()).as("excluding gives a new route").isEmpty();
  }

  @Test
  void aWeightOfZeroCountsAsOne() {
    Route route = new Route(List.of(new io.onegate.gateway.state.AbilityIndex.Tier(0,
        List.of(ch(5, 0, 0, 1), ch(6, 0, -3, 1)))), false, Set.of());
    SplittableRandom random = new SplittableRandom(7);
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      counts.merge(route.pick(random).id(), 1, Integer::sum);
    }
    assertThat(counts.get(5) / 10_000.0).isBetween(0.47, 0.53);
  }

  @Test
  void aPinnedChannelIsTheOnlyCandidateAndNoModelOrGroupRoutesMeanNone() {
    Route pinned = Route.of(SNAPSHOT, caller(3), "m");
    assertThat(pinned.pinned()).isTrue();
    assertThat(pinned.pick(new SplittableRandom(1))).isEqualTo(C);
    assertThat(Route.of(SNAPSHOT, caller(0), "unknown-model").isEmpty()).isTrue();
  }

  /** A failed attempt is retried only when another channel may fix it, within RetryTimes, never pinned. */
  @ParameterizedTest(name = "{0} {1} attempt={2} retryTimes={3} pinned={4} gone={5} -> {6}")
  @CsvSource({
      // kind, failure class, attempt (0-based), RetryTimes, pinned, client gone, retried
      "FAILED, TRANSIENT, 0, 1, false, false, true",
      "FAILED, RATE_LIMITED, 0, 1, false, false, true",
      "FAILED, TIMEOUT, 0, 2, false, false, true",
      "FAILED, INVALID_KEY, 0, 1, false, false, true",       // the channel's own key: another channel may work
      "FAILED, BAD_REQUEST, 0, 3, false, false, false",      // the client's 400 fails everywhere
      "FAILED, TRANSIENT, 1, 1, false, false, false",        // 1 + RetryTimes attempts made
      "FAILED, TRANSIENT, 0, 0, false, false, false",        // RetryTimes 0: one attempt
      "FAILED, TRANSIENT, 0, 1, true, false, false",         // the caller chose the channel
      "FAILED, TRANSIENT, 0, 1, false, true, false",         // nobody is waiting any more
      "TRUNCATED, TRANSIENT, 0, 1, false, false, false",     // bytes reached the client
      "DELIVERED, NONE, 0, 1, false, false, false"
  })
  void retriesOnlyFailuresAnotherChannelMayFix(AttemptResult.Kind kind, FailureClass cls, int attempt,
                                               long retryTimes, boolean pinned, boolean gone, boolean retried) {
    UpstreamFailure failure = cls == FailureClass.NONE ? null
        : new UpstreamFailure(cls, 500, "", new JsonObject());
    AttemptResult result = new AttemptResult(kind, 500, failure, Usage.NONE, ClientFinish.NONE);
    Route route = new Route(List.of(), pinned, Set.of());
    assertThat(route.retries(result, attempt, retryTimes, gone)).isEqualTo(retried);
  }

  @Test
  void heldChannelsAreSkippedEvenForALowerPriorityOne() {
    Route route = Route.of(SNAPSHOT, caller(0), "m");
    assertThat(picks(route, id -> false)).containsExactlyInAnyOrder(1, 2);
    assertThat(picks(route, id -> id == 1)).containsExactly(2);
    assertThat(picks(route, id -> id == 1 || id == 2)).as("the top tier held: the lower tier serves")
        .containsExactly(3);
  }

  @Test
  void whenEveryCandidateLeftIsHeldTheyAreTriedAnyway() {
    Route route = Route.of(SNAPSHOT, caller(0), "m");
    IntPredicate allHeld = id -> true;
    assertThat(picks(route, allHeld)).as("by priority and weight, as without holds").containsExactlyInAnyOrder(1, 2);
    assertThat(picks(route.excluding(A).excluding(B), allHeld)).containsExactly(3);
    assertThat(route.excluding(A).excluding(B).excluding(C).pick(new SplittableRandom(7), allHeld))
        .as("a request's own failed channels stay excluded").isNull();
  }

  private static Set<Integer> picks(Route route, IntPredicate held) {
    SplittableRandom random = new SplittableRandom(7);
    Set<Integer> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      seen.add(route.pick(random, held).id());
    }
    return seen;
  }
}
