package io.onegate.billing.ledger;

import io.onegate.common.event.UsageEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pure fold of usage events into ledger deltas. Every billed event (type 2) counts once for its user (quota used,
 * one request, and the balance charge by quota generation), its token (used quota, and the remaining-quota charge by
 * generation; unlimited tokens accumulate used quota too, fixing One API's Q7) and its channel; it becomes one
 * consume-log row when consume logs are on. An error event (type 6: nothing delivered or refused) changes no balance
 * and counts no request. Every failure an event carries becomes one error row (whatever {@code logConsume} says:
 * One API's LogConsumeEnabled turns off consume logs only). Ids ≤ 0 (no user/token/channel) are skipped. The ledger
 * deltas never depend on {@code logConsume}.
 */
public final class UsageAggregator {
  private UsageAggregator() {
  }

  public static LedgerDelta fold(Collection<UsageEvent> events, boolean logConsume) {
    // Accumulate in hash maps of arrays (one lookup per event and key, no allocation per event), then hand out
    // id-sorted maps (lock order). Users: {quota, requests, charge...}; tokens: {quota, charge...}.
    Map<Integer, long[]> users = new HashMap<>();
    Map<Integer, long[]> tokens = new HashMap<>();
    Map<Integer, long[]> channels = new HashMap<>();
    List<LogRow> logs = new ArrayList<>(logConsume ? events.size() : 0);
    for (UsageEvent e : events) {
      e.errors().forEach(failure -> logs.add(LogRow.error(e, failure)));
      if (!e.consume()) {
        continue;
      }
      if (e.userId() > 0) {
        long[] u = users.computeIfAbsent(e.userId(), k -> newAccount(2));
        u[0] += e.quota();
        u[1]++;
        charge(u, 2, e.userQuotaGeneration(), e.quota());
      }
      if (e.tokenId() > 0) {
        long[] t = tokens.computeIfAbsent(e.tokenId(), k -> newAccount(1));
        t[0] += e.quota();
        charge(t, 1, e.tokenQuotaGeneration(), e.quota());
      }
      if (e.channelId() > 0) {
        channels.computeIfAbsent(e.channelId(), k -> new long[1])[0] += e.quota();
      }
      if (logConsume) {
        logs.add(LogRow.consume(e));
      }
    }
    Map<Integer, LedgerDelta.UserDelta> userDeltas = new TreeMap<>();
    users.forEach((id, u) -> userDeltas.put(id, new LedgerDelta.UserDelta(u[0], (int) u[1], charge(u, 2))));
    Map<Integer, LedgerDelta.TokenDelta> tokenDeltas = new TreeMap<>();
    tokens.forEach((id, t) -> tokenDeltas.put(id, new LedgerDelta.TokenDelta(t[0], charge(t, 1))));
    Map<Integer, Long> channelSums = new TreeMap<>();
    channels.forEach((id, v) -> channelSums.put(id, v[0]));
    return new LedgerDelta(userDeltas, tokenDeltas, channelSums, logs);
  }

  /** An accumulator with {@code head} counters, then the charge {legacy, newest generation, quota at newest}. */
  private static long[] newAccount(int head) {
    long[] a = new long[head + 3];
    a[head + 1] = UsageEvent.UNKNOWN_GENERATION;
    return a;
  }

  /** Adds one event to the accumulator's charge at {@code at} (older generations than the newest are dropped). */
  private static void charge(long[] a, int at, long generation, long quota) {
    if (generation < 0) {
      a[at] += quota;
    } else if (generation > a[at + 1]) {
      a[at + 1] = generation;
      a[at + 2] = quota;
    } else if (generation == a[at + 1]) {
      a[at + 2] += quota;
    }
  }

  private static LedgerDelta.Charge charge(long[] a, int at) {
    return new LedgerDelta.Charge(a[at], a[at + 1], a[at + 2]);
  }

  /**
   * Quota to release from the live balances' pending part: the billed events reserved in {@code epoch} (the current one)
   * and under the account's generation after the flush ({@code userGenerations}, {@code tokenGenerations}: id →
   * the row's quota_generation; events without a generation count as current), per user and per limited token.
   * Events of an older epoch were never pending in this cluster state, and those of an older generation were dropped
   * from pending when an admin set the balance.
   */
  public static Releases releases(Collection<UsageEvent> events, String epoch, Map<Integer, Long> userGenerations,
                                  Map<Integer, Long> tokenGenerations) {
    Map<Integer, Long> users = new TreeMap<>();
    Map<Integer, Long> tokens = new TreeMap<>();
    for (UsageEvent e : events) {
      if (!epoch.equals(e.balanceEpoch()) || !e.consume()) {
        continue;
      }
      if (e.userId() > 0 && current(e.userQuotaGeneration(), userGenerations.get(e.userId()))) {
        users.merge(e.userId(), e.quota(), Long::sum);
      }
      if (e.tokenId() > 0 && !e.tokenUnlimited()
          && current(e.tokenQuotaGeneration(), tokenGenerations.get(e.tokenId()))) {
        tokens.merge(e.tokenId(), e.quota(), Long::sum);
      }
    }
    return new Releases(users, tokens);
  }

  private static boolean current(long eventGeneration, Long rowGeneration) {
    return rowGeneration != null && (eventGeneration < 0 || eventGeneration == rowGeneration);
  }

  /** Pending quota to release per user and per limited token. */
  public record Releases(Map<Integer, Long> users, Map<Integer, Long> tokens) {
  }
}
