package io.onegate.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.Channel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AbilityIndexTest {
  private static Channel ch(int id, long priority, int weight, int status) {
    return new Channel(id, 1, "k", status, "c" + id, weight, "", List.of("m"), List.of("default"), Map.of(),
        priority, Map.of(), "", "");
  }

  @Test
  void picksTheHighestPriorityWeightedAndFallsToLowerTiersOnlyWhenExcluded() {
    AbilityIndex index = AbilityIndex.build(List.of(ch(1, 10, 3, 1), ch(2, 10, 1, 1), ch(3, 5, 1, 1),
        ch(4, 20, 1, 2)));
    var tiers = index.tiers("default", "m");
    assertThat(tiers).extracting(AbilityIndex.Tier::priority).containsExactly(10L, 5L);
    SplittableRandom random = new SplittableRandom(42);
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 40_000; i++) {
      counts.merge(AbilityIndex.pick(tiers, Set.of(), random).id(), 1, Integer::sum);
    }
    assertThat(counts).doesNotContainKeys(3, 4);
    double share = counts.get(1) / 40_000.0;
    assertThat(share).isBetween(0.73, 0.77); // weights 3:1
    assertThat(AbilityIndex.pick(tiers, Set.of(1), random).id()).isEqualTo(2);
    assertThat(AbilityIndex.pick(tiers, Set.of(1, 2), random).id()).isEqualTo(3);
    assertThat(AbilityIndex.pick(tiers, Set.of(1, 2, 3), random)).isNull();
    assertThat(index.models("default")).containsExactly("m");
    assertThat(index.tiers("vip", "m")).isEmpty();
  }

  @Test
  void ipRangesMatchByPrefixAndNeverResolveNames() {
    IpRange net = IpRange.parse("10.9.0.0/16").orElseThrow();
    assertThat(net.contains(IpRange.literal("10.9.200.1").orElseThrow())).isTrue();
    assertThat(net.contains(IpRange.literal("10.8.0.1").orElseThrow())).isFalse();
    assertThat(IpRange.parse("localhost")).isEmpty();
    assertThat(IpRange.parse("fd00::/8").orElseThrow().contains(IpRange.literal("fd12::1").orElseThrow())).isTrue();
  }
}
