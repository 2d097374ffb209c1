package io.onegate.billing.ledger;

import io.onegate.common.event.UsageEvent;
import java.util.List;
import java.util.Map;

/**
 * What one flush changes in the ledger: per user (quota spent, requests), per token and per channel quota spent,
 * and the consume-log rows to insert. Produced by {@link UsageAggregator#fold}; maps are sorted by id so rows are
 * locked in one order by every worker.
 */
public record LedgerDelta(Map<Integer, UserDelta> users, Map<Integer, Long> tokens, Map<Integer, Long> channels,
                          List<UsageEvent> logs) {

  /** Quota spent and requests made by one user. */
  public record UserDelta(long quota, int requests) {
  }

  public boolean isEmpty() {
    return users.isEmpty() && tokens.isEmpty() && channels.isEmpty() && logs.isEmpty();
  }
}
