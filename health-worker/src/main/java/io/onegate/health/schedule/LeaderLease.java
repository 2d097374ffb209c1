package io.onegate.health.schedule;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;

/**
 * A leadership lease in a Hazelcast IMap: the value {@code "<member>|<expiresAtMillis>"} is taken with
 * {@code putIfAbsent} or with an atomic compare-and-replace once expired, and renewed the same way by its holder.
 * A dead leader stops renewing and any other member takes over after at most one lease. Hazelcast calls are
 * blocking, so they run on worker threads. {@link #isLeader()} is local and conservative: it turns false as soon
 * as this member's own lease could have expired (a renewal that fails or is late loses leadership).
 */
public final class LeaderLease {
  private final Vertx vertx;
  private final IMap<String, String> map;
  private final String key;
  private final String member;
  private final Duration lease;
  private final Clock clock;
  private volatile long heldUntilMillis;

  public LeaderLease(Vertx vertx, HazelcastInstance hazelcast, String mapName, String key, String member,
                     Duration lease, Clock clock) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(mapName);
    this.key = key;
    this.member = member;
    this.lease = lease;
    this.clock = clock;
  }

  /** Takes the lease when free or expired, renews it when ours; true when this member holds it now. */
  public Future<Boolean> acquireOrRenew() {
    return vertx.executeBlocking(() -> {
      long now = clock.millis();
      String mine = member + "|" + (now + lease.toMillis());
      String current = map.get(key);
      boolean won;
      if (current == null) {
        won = map.putIfAbsent(key, mine) == null;
      } else if (holder(current).equals(member) || expiry(current) < now) {
        won = map.replace(key, current, mine);
      } else {
        won = false;
      }
      heldUntilMillis = won ? now + lease.toMillis() : 0;
      return won;
    }, false).onFailure(err -> heldUntilMillis = 0);
  }

  /** Gives the lease up if this member holds it (clean shutdown: another member takes over at once). */
  public Future<Void> release() {
    boolean held = isLeader();
    heldUntilMillis = 0;
    if (!held) {
      return Future.succeededFuture();
    }
    return vertx.<Void>executeBlocking(() -> {
      String current = map.get(key);
      if (current != null && holder(current).equals(member)) {
        map.remove(key, current);
      }
      return null;
    }, false).otherwiseEmpty();
  }

  public boolean isLeader() {
    return clock.millis() < heldUntilMillis;
  }

  public String member() {
    return member;
  }

  private static String holder(String value) {
    int bar = value.lastIndexOf('|');
    return bar < 0 ? value : value.substring(0, bar);
  }

  private static long expiry(String value) {
    try {
      return Long.parseLong(value.substring(value.lastIndexOf('|') + 1));
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
