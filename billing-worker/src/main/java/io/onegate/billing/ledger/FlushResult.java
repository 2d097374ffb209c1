package io.onegate.billing.ledger;

import io.onegate.common.event.UsageEvent;
import java.util.List;
import java.util.Map;

/**
 * What a committed flush did: the events newly applied (duplicates excluded), the records consumed, and the rows'
 * state after the transaction, for the live balances and reminders.
 *
 * @param users  user id → {quota before, quota after, quota_version after}
 * @param tokens limited token id → {remain_quota after, quota_version after}
 */
public record FlushResult(List<UsageEvent> applied, int records, int duplicates, Map<Integer, long[]> users,
                          Map<Integer, long[]> tokens) {
}
