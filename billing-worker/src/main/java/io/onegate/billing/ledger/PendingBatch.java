package io.onegate.billing.ledger;

import io.onegate.common.event.UsageEvent;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Events consumed since the last flush, deduplicated by (request id, occurrence second) in arrival order, and the
 * next offset to store per partition. Not thread-safe: owned by the consumer thread.
 */
public final class PendingBatch {
  private final Map<String, UsageEvent> events = new LinkedHashMap<>();
  private final Map<Integer, Long> nextOffsets = new TreeMap<>();
  private int records;

  /** Adds a consumed record; {@code event} is null for a record that could not be decoded (offset still moves). */
  public void add(int partition, long offset, UsageEvent event) {
    records++;
    nextOffsets.merge(partition, offset + 1, Math::max);
    if (event != null) {
      events.putIfAbsent(dedupKey(event), event);
    }
  }

  public static String dedupKey(UsageEvent e) {
    return LedgerWriter.requestId(e) + "@" + LedgerWriter.occurredAt(e);
  }

  public Collection<UsageEvent> events() {
    return events.values();
  }

  public Map<Integer, Long> nextOffsets() {
    return nextOffsets;
  }

  /** Records consumed (including undecodable ones and duplicates). */
  public int records() {
    return records;
  }

  public boolean isEmpty() {
    return records == 0;
  }

  public void clear() {
    events.clear();
    nextOffsets.clear();
    records = 0;
  }
}
