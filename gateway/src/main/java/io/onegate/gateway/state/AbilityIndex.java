package io.onegate.gateway.state;

import io.onegate.common.domain.Channel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * group × model → enabled channels in priority tiers (highest first), built from the channels' own groups and
 * models lists as One API's memory cache does. Immutable; rebuilt whole when a channel changes. The relay's pick
 * among the tiers is {@code relay.Route}.
 */
public final class AbilityIndex {

  /** Channels sharing one priority; a channel's weight ≤ 0 counts as 1. */
  public record Tier(long priority, List<Channel> channels) {
    public Tier {
      channels = List.copyOf(channels);
    }
  }

  private final Map<String, Map<String, List<Tier>>> index;
  private final Map<String, List<String>> groupModels;

  private AbilityIndex(Map<String, Map<String, List<Tier>>> index, Map<String, List<String>> groupModels) {
    this.index = index;
    this.groupModels = groupModels;
  }

  public static AbilityIndex build(Iterable<Channel> channels) {
    Map<String, Map<String, TreeMap<Long, List<Channel>>>> raw = new HashMap<>();
    for (Channel c : channels) {
      if (!c.enabled()) {
        continue;
      }
      for (String group : c.groups()) {
        for (String model : c.models()) {
          raw.computeIfAbsent(group, g -> new HashMap<>())
              .computeIfAbsent(model, m -> new TreeMap<>(Comparator.reverseOrder()))
              .computeIfAbsent(c.priority(), p -> new ArrayList<>()).add(c);
        }
      }
    }
    Map<String, Map<String, List<Tier>>> index = new HashMap<>();
    Map<String, List<String>> groupModels = new HashMap<>();
    raw.forEach((group, models) -> {
      Map<String, List<Tier>> byModel = new HashMap<>();
      models.forEach((model, tiers) -> {
        List<Tier> list = new ArrayList<>();
        tiers.forEach((priority, list2) -> {
          list2.sort(Comparator.comparingInt(Channel::id));
          list.add(new Tier(priority, list2));
        });
        byModel.put(model, List.copyOf(list));
      });
      index.put(group, Map.copyOf(byModel));
      groupModels.put(group, List.copyOf(new TreeSet<>(models.keySet())));
    });
    return new AbilityIndex(Map.copyOf(index), Map.copyOf(groupModels));
  }

  /** Tiers for group × model, highest priority first; empty when none. */
  public List<Tier> tiers(String group, String model) {
    Map<String, List<Tier>> byModel = index.get(group);
    if (byModel == null) {
      return List.of();
    }
    List<Tier> tiers = byModel.get(model);
    return tiers == null ? List.of() : tiers;
  }

  /** Distinct models the group can use, sorted. */
  public List<String> models(String group) {
    return groupModels.getOrDefault(group, List.of());
  }
}
