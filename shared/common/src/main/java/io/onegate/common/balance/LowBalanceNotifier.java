package io.onegate.common.balance;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends One API's quota reminder ("额度提醒") when a user's quota crosses below {@code QuotaRemindThreshold}. The
 * billing worker calls it once per crossing, after the flush that crossed it. The health worker's notification
 * channel (email / Message Pusher) implements it; {@link #logging()} only logs.
 */
@FunctionalInterface
public interface LowBalanceNotifier {

  /** The user's quota went from {@code before} (≥ threshold) to {@code after} (< threshold). Never fails. */
  Future<Void> remind(int userId, long before, long after, long threshold);

  /** Logs one line per reminder; the default until a notification channel is wired in. */
  static LowBalanceNotifier logging() {
    Logger log = LoggerFactory.getLogger(LowBalanceNotifier.class);
    return (userId, before, after, threshold) -> {
      log.info("quota reminder: user {} quota fell from {} to {} (threshold {})", userId, before, after, threshold);
      return Future.succeededFuture();
    };
  }
}
