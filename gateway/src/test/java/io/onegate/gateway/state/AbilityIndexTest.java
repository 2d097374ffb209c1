package io.onegate.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.Channel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AbilityIndexTest {
  private static Channel ch(int id, long priority, int weight, int status) {
    return new Channel(id, 1, "k", status, "c" + id, weight, "", List.of("m"), List.of("default"), Map.of(),
        priority, Map.of(), "", "");
  }

  @Test
  void groupsEnabledChannelsIntoPriorityTiersHighestFirst() {
    AbilityIndex index = AbilityIndex.build(List.of(ch(1, 10, 3, 1), ch(2, 10, 1, 1), ch(3, 5, 1, 1),
        ch(4, 20, 1, 2)));
    var tiers = index.tiers("default", "m");
    assertThat(tiers).extracting(AbilityIndex.Tier::priority).containsExactly(10L, 5L); // 4 is disabled
    assertThat(tiers.get(0).channels()).extracting(Channel::id).containsExactly(1, 2);
    assertThat(index.models("default")).containsExactly("m");
    assertThat(index.tiers("vip", "m")).isEmpty();
    assertThat(index.tiers("default", "other")).isEmpty();
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
