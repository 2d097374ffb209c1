package io.onegate.health.notify;

import io.onegate.common.options.Options;
import io.onegate.health.state.StatusChange;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells operators about automatic channel status changes (to root's email and the webhook) and users about a low
 * balance (to the user's email and the webhook). Fire-and-forget: every failure is logged and never propagates,
 * so notifying never blocks or fails the action that caused it.
 */
public final class HealthNotifications {
  private static final Logger LOG = LoggerFactory.getLogger(HealthNotifications.class);
  private static final int ROLE_ROOT = 100;

  private final Pool pg;
  private final Supplier<Options> options;
  private final List<Notifier> notifiers;

  public HealthNotifications(Pool pg, Supplier<Options> options, List<Notifier> notifiers) {
    this.pg = pg;
    this.options = options;
    this.notifiers = List.copyOf(notifiers);
  }

  /** Announces an automatic disable or enable; completes when every notifier finished (never fails). */
  public Future<Void> channelStatusChanged(StatusChange change) {
    String verb = change.disabled() ? "disabled" : "enabled";
    String subject = "Channel #" + change.channelId() + " (" + change.channelName() + ") was " + verb;
    String text = "Channel #" + change.channelId() + " (" + change.channelName() + ") was automatically " + verb
        + ".\nReason: " + change.reason();
    JsonObject data = new JsonObject().put("channel_id", change.channelId()).put("channel_name", change.channelName())
        .put("from_status", change.from()).put("to_status", change.to()).put("reason", change.reason());
    Notification n = new Notification("channel." + verb, subject, text, data, "");
    return rootEmail().recover(err -> Future.succeededFuture(""))
        .compose(email -> deliver(n.withEmailTo(email)));
  }

  /**
   * Warns a user whose balance fell under the reminder threshold (One API's QuotaRemindThreshold mail). For the
   * billing worker; completes when every notifier finished (never fails).
   */
  public Future<Void> lowBalance(int userId, String username, String email, long remainingQuota) {
    String subject = "Your OneGate balance is running low";
    String text = "Hello " + username + ",\nyour remaining quota is " + remainingQuota
        + ". Top up to keep using the API.";
    JsonObject data = new JsonObject().put("user_id", userId).put("username", username)
        .put("remaining_quota", remainingQuota);
    return deliver(new Notification("user.low_balance", subject, text, data, email == null ? "" : email));
  }

  private Future<Void> deliver(Notification n) {
    Options current = options.get();
    List<Future<Void>> sends = notifiers.stream()
        .map(notifier -> safely(notifier, n, current)
            .onFailure(err -> LOG.warn("{} notification via {} failed: {}", n.event(),
                notifier.getClass().getSimpleName(), err.getMessage()))
            .otherwiseEmpty())
        .toList();
    return Future.join(sends).<Void>mapEmpty().otherwiseEmpty();
  }

  private static Future<Void> safely(Notifier notifier, Notification n, Options options) {
    try {
      return notifier.send(n, options);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<String> rootEmail() {
    return pg.preparedQuery("SELECT email FROM users WHERE role >= $1 AND status = 1 ORDER BY id LIMIT 1")
        .execute(Tuple.of(ROLE_ROOT))
        .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getString("email") : "");
  }
}
