package io.onegate.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.cluster.ChannelHold;
import io.onegate.common.domain.Channel;
import io.onegate.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The routing hook: held channels are skipped while another candidate is left, and tried when none is. */
class ChannelHoldViewTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ChannelHoldView view = ChannelHoldView.detached(clock);
  private final SplittableRandom random = new SplittableRandom(7);
  // priority 10: channels 1 and 2; priority 5: channel 3
  private final List<AbilityIndex.Tier> tiers = AbilityIndex.build(List.of(ch(1, 10), ch(2, 10), ch(3, 5)))
      .tiers("default", "m");

  private static Channel ch(int id, long priority) {
    return new Channel(id, 1, "k", 1, "c" + id, 1, "", List.of("m"), List.of("default"), Map.of(), priority,
        Map.of(), "", "");
  }

  private Set<Integer> picks(Set<Integer> excluded) {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      seen.add(view.pick(tiers, excluded, random).id());
    }
    return seen;
  }

  private ChannelHold hold(ChannelHold.Kind kind, int seconds) {
    return new ChannelHold(kind, clock.millis() + seconds * 1000L);
  }

  @Test
  void heldChannelsAreSkippedEvenForALowerPriorityOne() {
    assertThat(picks(Set.of())).containsExactlyInAnyOrder(1, 2);
    view.put(1, hold(ChannelHold.Kind.BREAKER_OPEN, 30));
    assertThat(picks(Set.of())).containsExactly(2);
    view.put(2, hold(ChannelHold.Kind.COOL_DOWN, 10));
    assertThat(picks(Set.of())).as("both of the top tier held: the lower tier serves").containsExactly(3);
  }

  @Test
  void whenEveryCandidateLeftIsHeldTheyAreTriedAnyway() {
    view.put(1, hold(ChannelHold.Kind.BREAKER_OPEN, 30));
    view.put(2, hold(ChannelHold.Kind.BREAKER_OPEN, 30));
    view.put(3, hold(ChannelHold.Kind.COOL_DOWN, 30));
    assertThat(picks(Set.of())).as("by priority and weight, as without holds").containsExactlyInAnyOrder(1, 2);
    assertThat(picks(Set.of(1, 2))).containsExactly(3);
    assertThat(view.pick(tiers, Set.of(1, 2, 3), random)).as("a request's own failed channels stay excluded")
        .isNull();
  }

  @Test
  void aHoldEndsAtItsTimeOrWhenCleared() {
    view.put(1, hold(ChannelHold.Kind.COOL_DOWN, 10));
    assertThat(view.held(1)).isTrue();
    clock.advance(Duration.ofSeconds(10));
    assertThat(view.held(1)).isFalse();
    assertThat(picks(Set.of())).containsExactlyInAnyOrder(1, 2);
    view.put(2, hold(ChannelHold.Kind.BREAKER_OPEN, 60));
    view.put(2, null);
    assertThat(view.held(2)).isFalse();
  }
}
