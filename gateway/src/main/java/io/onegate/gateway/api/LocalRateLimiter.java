package io.onegate.gateway.api;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A per-node sliding-window limiter (the timestamps of the last {@code limit} events per key), One API's
 * in-memory algorithm. Used for {@code GLOBAL_API_RATE_LIMIT}: it is checked on every /api request, so it stays in
 * local memory (no network hop); with N gateway nodes behind a balancer a client gets at most N × the limit.
 */
public final class LocalRateLimiter {
  private final int limit;
  private final long windowMillis;
  private final Clock clock;
  private final Map<String, ArrayDeque<Long>> events = new ConcurrentHashMap<>();

  public LocalRateLimiter(int limit, long windowMillis, Clock clock) {
    this.limit = limit;
    this.windowMillis = windowMillis;
    this.clock = clock;
  }

  /** Counts one event for {@code key}; false when the window already holds {@code limit} events. */
  public boolean tryAcquire(String key) {
    if (limit <= 0) {
      return true;
    }
    long now = clock.millis();
    ArrayDeque<Long> stamps = events.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (stamps) {
      while (!stamps.isEmpty() && stamps.peekFirst() <= now - windowMillis) {
        stamps.pollFirst();
      }
      if (stamps.size() >= limit) {
        return false;
      }
      stamps.addLast(now);
      return true;
    }
  }

  /** Milliseconds until {@code key} may have an event again (0 when it may now): when its oldest event leaves. */
  public long retryAfterMillis(String key) {
    ArrayDeque<Long> stamps = events.get(key);
    if (limit <= 0 || stamps == null) {
      return 0;
    }
    synchronized (stamps) {
      if (stamps.size() < limit) {
        return 0;
      }
      return Math.max(0, stamps.peekFirst() + windowMillis - clock.millis());
    }
  }

  /** Drops keys whose events are all outside the window (called from a periodic timer). */
  public void sweep() {
    long cutoff = clock.millis() - windowMillis;
    events.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        Long last = e.getValue().peekLast();
        return last == null || last <= cutoff;
      }
    });
  }
}
