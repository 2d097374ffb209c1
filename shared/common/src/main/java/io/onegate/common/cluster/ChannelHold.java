package io.onegate.common.cluster;

/**
 * A channel the gateways skip until {@code untilMillis} (wall clock) while other candidates are left: cooling down
 * after a 429, or its circuit breaker is open. The health worker writes holds to the IMap
 * {@link ClusterNames#CHANNEL_HOLDS} (channel id → {@link #toArray()}, with a TTL past {@code untilMillis}); each
 * gateway keeps a local copy updated by an entry listener. Never a status change: a hold only steers routing.
 */
public record ChannelHold(Kind kind, long untilMillis) {

  public enum Kind { COOL_DOWN, BREAKER_OPEN }

  /** True while the hold applies at {@code nowMillis}. */
  public boolean activeAt(long nowMillis) {
    return nowMillis < untilMillis;
  }

  /** The IMap value: {@code {kind ordinal, untilMillis}} (a plain long[] needs no shared class on the members). */
  public long[] toArray() {
    return new long[] {kind.ordinal(), untilMillis};
  }

  /** Reads {@link #toArray()}; null for null or a value this version does not know. */
  public static ChannelHold fromArray(long[] value) {
    if (value == null || value.length < 2 || value[0] < 0 || value[0] >= Kind.values().length) {
      return null;
    }
    return new ChannelHold(Kind.values()[(int) value[0]], value[1]);
  }
}
