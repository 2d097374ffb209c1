package io.onegate.billing.ledger;

import io.onegate.common.event.UsageEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Events consumed since the last flush, deduplicated by (request id, occurrence second) in arrival order, and the
 * next offset to store per partition. Not thread-safe: owned by the consumer thread until it is handed to
 * {@link LedgerWriter#flush} (which copies what it needs before returning).
 */
public final class PendingBatch {
  private final List<UsageEvent> events = new ArrayList<>();
  private final Set<DedupKey> seen = new HashSet<>();
  private final Map<Integer, Long> nextOffsets = new TreeMap<>();
  private int records;

  /** The identity of a usage event for idempotency: its stored request id and its time in seconds. */
  public record DedupKey(String requestId, long occurredAt) {
    public static DedupKey of(UsageEvent e) {
      return new DedupKey(LedgerWriter.requestId(e), LedgerWriter.occurredAt(e));
    }
  }

  /** Adds a consumed record; {@code event} is null for a record that could not be decoded (offset still moves). */
  public void add(int partition, long offset, UsageEvent event) {
    records++;
    Long next = nextOffsets.get(partition);
    if (next == null || next < offset + 1) {
      nextOffsets.put(partition, offset + 1);
    }
    if (event != null && seen.add(DedupKey.of(event))) {
      events.add(event);
    }
  }

  /** Distinct events in arrival order. */
  public List<UsageEvent> events() {
    return events;
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
    seen.clear();
    nextOffsets.clear();
    records = 0;
  }
}
