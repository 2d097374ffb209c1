package io.onegate.billing.ledger;

import io.onegate.common.event.UsageEvent;
import java.util.List;
import java.util.Map;

/**
 * What a committed flush did: the events newly applied (duplicates excluded), the records consumed, and the rows'
 * state after the transaction, for the live balances and reminders.
 *
 * @param users  user id → {quota before, quota after, quota_version after, quota_generation}
 * @param tokens limited token id → {remain_quota after, quota_version after, quota_generation}
 */
public record FlushResult(List<UsageEvent> applied, int records, int duplicates, Map<Integer, long[]> users,
                          Map<Integer, long[]> tokens) {

  /** id → quota_generation of the users touched. */
  public Map<Integer, Long> userGenerations() {
    return generations(users, 3);
  }

  /** id → quota_generation of the limited tokens touched. */
  public Map<Integer, Long> tokenGenerations() {
    return generations(tokens, 2);
  }

  private static Map<Integer, Long> generations(Map<Integer, long[]> rows, int at) {
    Map<Integer, Long> out = new java.util.HashMap<>();
    rows.forEach((id, row) -> out.put(id, row[at]));
    return out;
  }
}
