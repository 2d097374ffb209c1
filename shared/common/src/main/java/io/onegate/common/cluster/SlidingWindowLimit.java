package io.onegate.common.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Hazelcast entry processor: a sliding-window limit on one key of an {@code IMap<String, long[]>} (the value is
 * the timestamps, in ms, of the counted events inside the window). It runs atomically on the partition owner, which
 * may be any OneGate process, hence its home in shared/common.
 *
 * <p>{@link #admit}: when fewer than {@code limit} events lie in the window the event is counted at once (so
 * concurrent requests cannot all slip through before any is counted) and 0 is returned; otherwise nothing changes
 * and the result is the milliseconds until the oldest event leaves the window. {@link #refund}: forgets one event
 * counted at {@code stamp} (an admitted attempt that turned out not to count). The entry expires one window after
 * its last write.
 */
public final class SlidingWindowLimit implements EntryProcessor<String, long[], Long> {
  private static final long serialVersionUID = 1L;
  private final long nowMillis;
  private final int limit;
  private final long windowMillis;
  private final long refundStamp;

  private SlidingWindowLimit(long nowMillis, int limit, long windowMillis, long refundStamp) {
    this.nowMillis = nowMillis;
    this.limit = limit;
    this.windowMillis = windowMillis;
    this.refundStamp = refundStamp;
  }

  /** Counts an event at {@code nowMillis} if the window admits it. */
  public static SlidingWindowLimit admit(long nowMillis, int limit, long windowMillis) {
    return new SlidingWindowLimit(nowMillis, limit, windowMillis, -1);
  }

  /** Forgets one event counted at {@code stamp}. */
  public static SlidingWindowLimit refund(long nowMillis, long windowMillis, long stamp) {
    return new SlidingWindowLimit(nowMillis, Integer.MAX_VALUE, windowMillis, stamp);
  }

  @Override
  public Long process(Map.Entry<String, long[]> entry) {
    long[] stamps = entry.getValue() == null ? new long[0] : entry.getValue();
    long[] live = Arrays.stream(stamps).filter(t -> t > nowMillis - windowMillis).sorted().toArray();
    long wait = 0;
    if (refundStamp >= 0) {
      int at = Arrays.binarySearch(live, refundStamp);
      if (at >= 0) {
        long[] fewer = new long[live.length - 1];
        System.arraycopy(live, 0, fewer, 0, at);
        System.arraycopy(live, at + 1, fewer, at, live.length - at - 1);
        live = fewer;
      }
    } else if (live.length < limit) {
      live = Arrays.copyOf(live, live.length + 1);
      live[live.length - 1] = nowMillis;
    } else {
      wait = live[live.length - limit] + windowMillis - nowMillis;
    }
    if (live.length == 0) {
      if (entry.getValue() != null) {
        entry.setValue(null);
      }
    } else if (wait == 0 || live.length != stamps.length) {
      if (entry instanceof ExtendedMapEntry<String, long[]> extended) {
        extended.setValue(live, windowMillis, TimeUnit.MILLISECONDS);
      } else {
        entry.setValue(live);
      }
    }
    return wait;
  }
}
