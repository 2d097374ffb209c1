package io.onegate.common.balance;

import io.onegate.common.options.Options;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * One API's registration bonuses ({@code QuotaForNewUser}, {@code QuotaForInvitee}, {@code QuotaForInviter}),
 * each credited through {@link QuotaCredits} with a system log (type 4) in the caller's transaction. Publish the
 * returned states after the commit.
 */
public final class Registrations {
  private Registrations() {
  }

  /** The quota a new user row starts with (insert it with this value, then call {@link #grant}). */
  public static long quotaForNewUser(Options options) {
    return Math.max(0, options.longValue("QuotaForNewUser"));
  }

  /**
   * Logs the new-user bonus and credits the invitee and inviter bonuses (inviterId 0: none). Returns the states
   * to publish.
   */
  public static Future<List<QuotaCredits.QuotaState>> grant(SqlClient tx, int userId, int inviterId,
                                                            Options options, Clock clock) {
    long now = clock.instant().getEpochSecond();
    double perUnit = options.doubleValue("QuotaPerUnit");
    long forNew = quotaForNewUser(options);
    long invitee = inviterId > 0 ? Math.max(0, options.longValue("QuotaForInvitee")) : 0;
    long inviter = inviterId > 0 ? Math.max(0, options.longValue("QuotaForInviter")) : 0;
    List<QuotaCredits.QuotaState> states = new ArrayList<>();
    Future<Void> chain = forNew > 0
        ? systemLog(tx, userId, now, "新用户注册赠送 " + QuotaCredits.quotaText(forNew, perUnit))
        : Future.succeededFuture();
    if (invitee > 0) {
      chain = chain.compose(v -> QuotaCredits.credit(tx, userId, invitee)).compose(s -> {
        s.ifPresent(states::add);
        return systemLog(tx, userId, now, "使用邀请码赠送 " + QuotaCredits.quotaText(invitee, perUnit));
      });
    }
    if (inviter > 0) {
      chain = chain.compose(v -> QuotaCredits.credit(tx, inviterId, inviter)).compose(s -> {
        s.ifPresent(states::add);
        return s.isPresent()
            ? systemLog(tx, inviterId, now, "邀请用户赠送 " + QuotaCredits.quotaText(inviter, perUnit))
            : Future.succeededFuture();
      });
    }
    return chain.map(v -> states);
  }

  private static Future<Void> systemLog(SqlClient tx, int userId, long now, String content) {
    return tx.preparedQuery("INSERT INTO logs (user_id, created_at, type, content, username) "
        + "SELECT id, $2, 4, $3, username FROM users WHERE id = $1").execute(Tuple.of(userId, now, content))
        .mapEmpty();
  }
}
