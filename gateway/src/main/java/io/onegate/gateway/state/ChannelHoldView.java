package io.onegate.gateway.state;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.onegate.common.cluster.ChannelHold;
import io.onegate.common.cluster.ClusterNames;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's copy of the channel holds the health worker decides (cool-downs after 429s, open circuit breakers;
 * IMap {@link ClusterNames#CHANNEL_HOLDS}), kept current by an entry listener: choosing a channel never calls
 * Hazelcast. The relay's {@code Route} prefers channels without a hold; when every candidate left is held it picks
 * among them anyway (see docs/health-worker.md: a hold is a hint, refusing would turn a blip into an outage).
 * Thread-safe.
 */
public final class ChannelHoldView {
  private final Map<Integer, ChannelHold> holds = new ConcurrentHashMap<>();
  private final Clock clock;
  private final IMap<Integer, long[]> map;
  private final UUID listener;

  private ChannelHoldView(Clock clock, IMap<Integer, long[]> map) {
    this.clock = clock;
    this.map = map;
    this.listener = map == null ? null : map.addEntryListener(new Listener(), true);
  }

  /** Subscribes, then copies the holds already there. Blocking (Hazelcast calls): start-up, off the event loop. */
  public static ChannelHoldView start(HazelcastInstance hazelcast, Clock clock) {
    ChannelHoldView view = new ChannelHoldView(clock, hazelcast.getMap(ClusterNames.CHANNEL_HOLDS));
    // listener first, then the copy: an event after subscribing wins over the copied value
    view.map.forEach((id, value) -> {
      ChannelHold hold = ChannelHold.fromArray(value);
      if (hold != null) {
        view.holds.putIfAbsent(id, hold);
      }
    });
    return view;
  }

  /** A view that is not connected to the cluster (tests of routing without holds, or with holds set by hand). */
  public static ChannelHoldView detached(Clock clock) {
    return new ChannelHoldView(clock, null);
  }

  /** Sets or clears ({@code hold} null) one channel's hold locally (the listener's path; tests). */
  public void put(int channelId, ChannelHold hold) {
    if (hold == null) {
      holds.remove(channelId);
    } else {
      holds.put(channelId, hold);
    }
  }

  /** True when the channel is held now. */
  public boolean held(int channelId) {
    ChannelHold hold = holds.get(channelId);
    return hold != null && hold.activeAt(clock.millis());
  }

  /** Unsubscribes (shutdown). Blocking. */
  public void stop() {
    if (map != null) {
      map.removeEntryListener(listener);
    }
  }

  private final class Listener implements EntryAddedListener<Integer, long[]>, EntryUpdatedListener<Integer, long[]>,
      EntryRemovedListener<Integer, long[]>, EntryExpiredListener<Integer, long[]> {
    @Override
    public void entryAdded(EntryEvent<Integer, long[]> event) {
      put(event.getKey(), ChannelHold.fromArray(event.getValue()));
    }

    @Override
    public void entryUpdated(EntryEvent<Integer, long[]> event) {
      put(event.getKey(), ChannelHold.fromArray(event.getValue()));
    }

    @Override
    public void entryRemoved(EntryEvent<Integer, long[]> event) {
      holds.remove(event.getKey());
    }

    @Override
    public void entryExpired(EntryEvent<Integer, long[]> event) {
      holds.remove(event.getKey());
    }
  }
}
