package io.onegate.billing.ledger;

import io.onegate.common.event.UsageEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pure fold of usage events into ledger deltas. Every event counts once for its user (quota, used quota, one
 * request), its token (remaining and used quota; unlimited tokens accumulate used quota too, fixing One API's Q7)
 * and its channel; it becomes one consume-log row when consume logs are on. Ids ≤ 0 (no user/token/channel) are
 * skipped. The ledger deltas never depend on {@code logConsume}.
 */
public final class UsageAggregator {
  private UsageAggregator() {
  }

  public static LedgerDelta fold(Collection<UsageEvent> events, boolean logConsume) {
    // Accumulate in hash maps (one lookup per event and key), then hand out id-sorted maps (lock order).
    Map<Integer, long[]> users = new HashMap<>();
    Map<Integer, long[]> tokens = new HashMap<>();
    Map<Integer, long[]> channels = new HashMap<>();
    List<UsageEvent> logs = new ArrayList<>(logConsume ? events.size() : 0);
    for (UsageEvent e : events) {
      if (e.userId() > 0) {
        long[] u = users.computeIfAbsent(e.userId(), k -> new long[2]);
        u[0] += e.quota();
        u[1]++;
      }
      if (e.tokenId() > 0) {
        tokens.computeIfAbsent(e.tokenId(), k -> new long[1])[0] += e.quota();
      }
      if (e.channelId() > 0) {
        channels.computeIfAbsent(e.channelId(), k -> new long[1])[0] += e.quota();
      }
      if (logConsume) {
        logs.add(e);
      }
    }
    Map<Integer, LedgerDelta.UserDelta> userDeltas = new TreeMap<>();
    users.forEach((id, u) -> userDeltas.put(id, new LedgerDelta.UserDelta(u[0], (int) u[1])));
    return new LedgerDelta(userDeltas, sums(tokens), sums(channels), logs);
  }

  private static Map<Integer, Long> sums(Map<Integer, long[]> accumulated) {
    Map<Integer, Long> sorted = new TreeMap<>();
    accumulated.forEach((id, v) -> sorted.put(id, v[0]));
    return sorted;
  }

  /**
   * Quota to release from the live balances' pending part: the events reserved in {@code epoch} (the current one),
   * per user and per limited token. Events of an older epoch were never pending in this cluster state.
   */
  public static Releases releases(Collection<UsageEvent> events, String epoch) {
    Map<Integer, Long> users = new TreeMap<>();
    Map<Integer, Long> tokens = new TreeMap<>();
    for (UsageEvent e : events) {
      if (!epoch.equals(e.balanceEpoch())) {
        continue;
      }
      if (e.userId() > 0) {
        users.merge(e.userId(), e.quota(), Long::sum);
      }
      if (e.tokenId() > 0 && !e.tokenUnlimited()) {
        tokens.merge(e.tokenId(), e.quota(), Long::sum);
      }
    }
    return new Releases(users, tokens);
  }

  /** Pending quota to release per user and per limited token. */
  public record Releases(Map<Integer, Long> users, Map<Integer, Long> tokens) {
  }
}
