package io.onegate.billing.ledger;

import io.onegate.billing.consumer.CommitListener;
import io.onegate.common.balance.LiveBalances;
import io.onegate.common.balance.LowBalanceNotifier;
import io.onegate.common.options.Options;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After each committed flush: brings the live balances in step with PostgreSQL (pending usage of the current epoch
 * and quota generation released, settled set to the row's new value at its quota_version and quota_generation) and sends quota reminders for users whose
 * quota crossed below {@code QuotaRemindThreshold}. A Hazelcast failure is logged, never retried: the next flush
 * touching the user (or the periodic reconciliation) carries the absolute value again.
 */
public final class LiveBalanceSync implements CommitListener {
  private static final Logger LOG = LoggerFactory.getLogger(LiveBalanceSync.class);

  private final LiveBalances balances;
  private final Context context;
  private final LowBalanceNotifier notifier;
  private final Supplier<Options> options;

  public LiveBalanceSync(LiveBalances balances, Context context, LowBalanceNotifier notifier,
                         Supplier<Options> options) {
    this.balances = balances;
    this.context = context;
    this.notifier = notifier;
    this.options = options;
  }

  @Override
  public void committed(FlushResult result) {
    UsageAggregator.Releases releases = UsageAggregator.releases(result.applied(), balances.epoch(),
        result.userGenerations(), result.tokenGenerations());
    List<Future<Void>> updates = new ArrayList<>(result.users().size() + result.tokens().size());
    for (Map.Entry<Integer, long[]> u : result.users().entrySet()) {
      long[] s = u.getValue();
      updates.add(balances.ledgerUser(context, u.getKey(), releases.users().getOrDefault(u.getKey(), 0L), s[1], s[2],
          s[3]));
    }
    for (Map.Entry<Integer, long[]> t : result.tokens().entrySet()) {
      long[] s = t.getValue();
      updates.add(balances.ledgerToken(context, t.getKey(), releases.tokens().getOrDefault(t.getKey(), 0L), s[0],
          s[1], s[2]));
    }
    try {
      Future.all(updates).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("live balances not updated after a flush ({} entries): {}", updates.size(), e.toString());
    }
    remind(result.users());
  }

  private void remind(Map<Integer, long[]> users) {
    long threshold = options.get().longValue("QuotaRemindThreshold");
    if (threshold <= 0) {
      return;
    }
    users.forEach((id, s) -> {
      if (s[0] >= threshold && s[1] < threshold) {
        notifier.remind(id, s[0], s[1], threshold)
            .onFailure(err -> LOG.warn("quota reminder for user {} failed: {}", id, err.getMessage()));
      }
    });
  }
}
