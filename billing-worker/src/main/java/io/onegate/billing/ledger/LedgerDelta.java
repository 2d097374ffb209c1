package io.onegate.billing.ledger;

import java.util.List;
import java.util.Map;

/**
 * What one flush changes in the ledger: per user (quota used, requests, the charge by generation), per token (quota
 * used, the charge by generation) and per channel quota used, and the log rows to insert (consume and error rows). Produced by
 * {@link UsageAggregator#fold}; maps are sorted by id so rows are locked in one order by every worker.
 */
public record LedgerDelta(Map<Integer, UserDelta> users, Map<Integer, TokenDelta> tokens,
                          Map<Integer, Long> channels, List<LogRow> logs) {

  /** Quota used, requests made and what may be charged to the balance, for one user. */
  public record UserDelta(long quota, int requests, Charge charge) {
  }

  /** Quota used and what may be charged to the remaining quota, for one token. */
  public record TokenDelta(long quota, Charge charge) {
  }

  /**
   * The balance side of an account's usage (see {@code LedgerUpdates}): {@code legacy} quota of events without a
   * generation, and the quota {@code atNewest} of the events admitted under the newest generation {@code newest}
   * among the rest (-1 when none). Events of older generations are never charged: an admin set the balance since.
   */
  public record Charge(long legacy, long newest, long atNewest) {
  }

  public boolean isEmpty() {
    return users.isEmpty() && tokens.isEmpty() && channels.isEmpty() && logs.isEmpty();
  }
}
