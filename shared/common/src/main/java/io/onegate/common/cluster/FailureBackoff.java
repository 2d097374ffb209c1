package io.onegate.common.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Hazelcast entry processor: exponential back-off after repeated failures on one key of an
 * {@code IMap<String, long[]>} (the value is {@code {failures, lastAttemptMillis}}). Atomic on the partition owner
 * (any OneGate process, hence its home in shared/common).
 *
 * <p>The first {@code free} attempts pass at once; after {@code n >= free} counted failures the next attempt waits
 * {@code min(max, base * 2^(n - free))} after the last one. {@link #admit} counts the attempt as a failure up
 * front (so concurrent attempts cannot all pass before one is counted) and returns 0, or, while the back-off runs,
 * changes nothing and returns the milliseconds left. {@link #clear} forgets the key (a success). Failures are
 * forgotten {@code forget} after the last attempt (the entry's time to live).
 */
public final class FailureBackoff implements EntryProcessor<String, long[], Long> {
  private static final long serialVersionUID = 1L;

  /** The back-off rule. */
  public record Rule(int free, long baseMillis, long maxMillis, long forgetMillis) implements java.io.Serializable {
    /** Milliseconds an attempt must wait after the last one once {@code failures} are counted. */
    public long delayAfter(long failures) {
      if (failures < free) {
        return 0;
      }
      long doublings = Math.min(failures - free, 40);
      return doublings >= 40 || baseMillis > (maxMillis >> doublings) ? maxMillis : baseMillis << doublings;
    }
  }

  private final long nowMillis;
  private final Rule rule;
  private final boolean clear;

  private FailureBackoff(long nowMillis, Rule rule, boolean clear) {
    this.nowMillis = nowMillis;
    this.rule = rule;
    this.clear = clear;
  }

  public static FailureBackoff admit(long nowMillis, Rule rule) {
    return new FailureBackoff(nowMillis, rule, false);
  }

  public static FailureBackoff clear(long nowMillis, Rule rule) {
    return new FailureBackoff(nowMillis, rule, true);
  }

  @Override
  public Long process(Map.Entry<String, long[]> entry) {
    long[] value = entry.getValue();
    if (clear) {
      if (value != null) {
        entry.setValue(null);
      }
      return 0L;
    }
    boolean fresh = value == null || nowMillis - value[1] >= rule.forgetMillis();
    long failures = fresh ? 0 : value[0];
    if (!fresh) {
      long wait = value[1] + rule.delayAfter(failures) - nowMillis;
      if (wait > 0) {
        return wait;
      }
    }
    long[] next = {failures + 1, nowMillis};
    if (entry instanceof ExtendedMapEntry<String, long[]> extended) {
      extended.setValue(next, rule.forgetMillis(), TimeUnit.MILLISECONDS);
    } else {
      entry.setValue(next);
    }
    return 0L;
  }
}
