package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.onegate.gateway.state.AbilityIndex;
import io.onegate.gateway.state.Snapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.random.RandomGenerator;

/**
 * Routing of one request, in one place: which channels may serve it (the pinned channel of an admin's
 * {@code sk-key-channelId}, or the group × model priority tiers of the snapshot's {@link AbilityIndex}), which one
 * the next attempt uses (the highest tier that still has a channel, weighted random within it with the injected
 * {@link RandomGenerator}, a weight ≤ 0 counting as 1), the channels already excluded because they failed in this
 * request, and whether a failed attempt is retried. Immutable: {@link #excluding} gives the route of the next
 * attempt. Pure.
 *
 * @param tiers    candidate channels, highest priority first
 * @param pinned   the caller chose the channel: never retried elsewhere
 * @param excluded ids of channels that failed in this request (never re-picked)
 */
record Route(List<AbilityIndex.Tier> tiers, boolean pinned, Set<Integer> excluded) {

  Route {
    tiers = List.copyOf(tiers);
    excluded = Set.copyOf(excluded);
  }

  /** The candidates of {@code caller} for {@code model}: the pinned channel, or the group's tiers for the model. */
  static Route of(Snapshot snapshot, Caller caller, String model) {
    if (caller.pinnedChannel() != 0) {
      Channel pinned = snapshot.channels().get(caller.pinnedChannel());
      return new Route(List.of(new AbilityIndex.Tier(pinned.priority(), List.of(pinned))), true, Set.of());
    }
    return new Route(snapshot.abilities().tiers(caller.user().group(), model), false, Set.of());
  }

  boolean isEmpty() {
    return tiers.isEmpty();
  }

  /** The first channel of the top tier: the reservation is priced at its model mapping and type. */
  Channel first() {
    return tiers.get(0).channels().get(0);
  }

  /** The channel of the next attempt, or null when every candidate is excluded. */
  Channel pick(RandomGenerator random) {
    return pick(random, id -> false);
  }

  /**
   * The channel of the next attempt, preferring channels that are not {@code held} (a health cool-down or open
   * breaker); when every channel left is held, one of those (trying a held channel beats refusing). Null when every
   * candidate is excluded.
   */
  Channel pick(RandomGenerator random, IntPredicate held) {
    Channel free = pickAmong(random, id -> excluded.contains(id) || held.test(id));
    return free != null ? free : pickAmong(random, excluded::contains);
  }

  private Channel pickAmong(RandomGenerator random, IntPredicate skip) {
    for (AbilityIndex.Tier tier : tiers) {
      long total = 0;
      for (Channel c : tier.channels()) {
        if (!skip.test(c.id())) {
          total += weight(c);
        }
      }
      if (total == 0) {
        continue;
      }
      long ticket = random.nextLong(total);
      for (Channel c : tier.channels()) {
        if (skip.test(c.id())) {
          continue;
        }
        ticket -= weight(c);
        if (ticket < 0) {
          return c;
        }
      }
    }
    return null;
  }

  /** This route without {@code failed}. */
  Route excluding(Channel failed) {
    Set<Integer> next = new HashSet<>(excluded);
    next.add(failed.id());
    return new Route(tiers, pinned, next);
  }

  /**
   * Whether attempt number {@code attempt} (0-based) that ended with {@code result} is tried again on another
   * channel: only a failure that reached the client with nothing ({@code FAILED}) and whose class another channel
   * may fix (never a client 400), within {@code 1 + retryTimes} attempts, never for a pinned channel, never once
   * the client has gone.
   */
  boolean retries(AttemptResult result, int attempt, long retryTimes, boolean clientGone) {
    return result.kind() == AttemptResult.Kind.FAILED && result.failure().failureClass().retryOnAnotherChannel()
        && !pinned && attempt < retryTimes && !clientGone;
  }

  private static long weight(Channel c) {
    return c.weight() <= 0 ? 1 : c.weight();
  }
}
