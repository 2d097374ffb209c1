package io.onegate.common.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Hazelcast entry processor implementing a sliding-window limiter on one key of an {@code IMap<String, long[]>}
 * (the value is the timestamps, in ms, of the counted events inside the window). It runs atomically on the
 * partition owner, which may be any OneGate process, hence its home in shared/common.
 *
 * <p>Returns {@code true} when fewer than {@code limit} events lie in the window; with {@code record} it then also
 * counts this event. The entry expires one window after its last write, so idle keys cost nothing.
 */
public final class SlidingWindowCounter implements EntryProcessor<String, long[], Boolean> {
  private static final long serialVersionUID = 1L;
  private final long nowMillis;
  private final int limit;
  private final long windowMillis;
  private final boolean record;

  public SlidingWindowCounter(long nowMillis, int limit, long windowMillis, boolean record) {
    this.nowMillis = nowMillis;
    this.limit = limit;
    this.windowMillis = windowMillis;
    this.record = record;
  }

  @Override
  public Boolean process(Map.Entry<String, long[]> entry) {
    long[] stamps = entry.getValue() == null ? new long[0] : entry.getValue();
    long[] live = Arrays.stream(stamps).filter(t -> t > nowMillis - windowMillis).toArray();
    boolean allowed = live.length < limit;
    if (allowed && record) {
      live = Arrays.copyOf(live, live.length + 1);
      live[live.length - 1] = nowMillis;
    }
    if (live.length == 0) {
      entry.setValue(null);
    } else if (live.length != stamps.length || record) {
      if (entry instanceof ExtendedMapEntry<String, long[]> extended) {
        extended.setValue(live, windowMillis, TimeUnit.MILLISECONDS);
      } else {
        entry.setValue(live);
      }
    }
    return allowed;
  }
}
