package io.onegate.gateway.relay;

import io.onegate.common.event.UsageSink;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands the error events of requests refused before admission to the {@link UsageSink}, rate-bounded so that a flood
 * of refused requests cannot flood the log: per gateway node at most {@link #PER_USER_PER_MINUTE} refusals of one
 * account and {@link #PER_NODE_PER_MINUTE} in all are logged per clock minute; the next logged refusal of an account
 * counts the ones left out in its message. A refusal without a known account (no key, an unknown key) is never
 * logged: it names nobody, and anyone could send it. No I/O: an offer to the sink. Event-loop threads share it
 * (synchronized, microseconds).
 */
final class RefusalLog {
  static final int PER_USER_PER_MINUTE = 20;
  static final int PER_NODE_PER_MINUTE = 600;

  private final UsageSink sink;
  private final Clock clock;
  private final Map<Integer, int[]> perUser = new HashMap<>(); // user id → {logged, left out} this minute
  private final Map<Integer, Integer> leftOutBefore = new HashMap<>(); // left out in earlier minutes, not yet told
  private long minute = -1;
  private int loggedThisMinute;

  RefusalLog(UsageSink sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  /** Logs the refusal of a request whose refusing filter knew the caller; returns whether it was logged. */
  boolean refused(RelayContext ctx, GatewayError refusal, Object[] args) {
    if (ctx == null || ctx.caller() == null || ctx.admission() != null) {
      return false; // unknown caller, or admitted (the settle step's event carries the failure)
    }
    int suppressed;
    synchronized (this) {
      long now = clock.millis() / 60_000;
      if (now != minute) {
        perUser.forEach((user, counts) -> {
          if (counts[1] > 0) {
            leftOutBefore.merge(user, counts[1], Integer::sum);
          }
        });
        perUser.clear();
        minute = now;
        loggedThisMinute = 0;
      }
      int[] counts = perUser.computeIfAbsent(ctx.caller().user().id(), id -> new int[2]);
      if (counts[0] >= PER_USER_PER_MINUTE || loggedThisMinute >= PER_NODE_PER_MINUTE) {
        counts[1]++;
        return false;
      }
      counts[0]++;
      loggedThisMinute++;
      Integer before = leftOutBefore.remove(ctx.caller().user().id());
      suppressed = counts[1] + (before == null ? 0 : before);
      counts[1] = 0;
    }
    sink.usage(Settlement.refusal(ctx, refusal, args, suppressed, clock.millis(), System.nanoTime()));
    return true;
  }
}
