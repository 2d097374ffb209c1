package io.onegate.gateway.api;

import io.onegate.common.balance.QuotaCredits;
import io.onegate.common.domain.ChangeNotice;
import io.onegate.common.options.Options;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Inserts a user as One API's {@code User.Insert} does, inside the caller's transaction: the new-user quota with a
 * system log (type 4), invite bonuses for invitee and inviter (each with a system log), and an unlimited,
 * never-expiring relay token named "default".
 */
final class UserCreator {
  /** A user to create; {@code passwordHash} is bcrypt. */
  record NewUser(String username, String passwordHash, String displayName, int role, int inviterId) {
  }

  /** The new user's id and the id of its "default" relay token. */
  record Created(int userId, int tokenId) {
  }

  private final ApiContext api;

  UserCreator(ApiContext api) {
    this.api = api;
  }

  /**
   * A 4-character invite code (One API's length) not yet taken, checked before use so a collision does not abort
   * the caller's transaction; after {@code attempts} collisions, 8 characters.
   */
  static Future<String> freeAffCode(io.vertx.sqlclient.SqlClient sql, ApiContext api, int attempts) {
    String code = TokenKeys.alnum(api.random(), attempts > 0 ? 4 : 8);
    return sql.preparedQuery("SELECT 1 FROM users WHERE aff_code = $1").execute(Tuple.of(code))
        .compose(rows -> rows.size() == 0 || attempts <= 0 ? Future.succeededFuture(code)
            : freeAffCode(sql, api, attempts - 1));
  }

  /** Inserts the user and its default token; after the commit call {@link #announce}. */
  Future<Created> create(SqlConnection conn, NewUser user, Options options) {
    long now = api.now();
    long newUserQuota = Math.max(0, options.longValue("QuotaForNewUser"));
    long inviteeBonus = user.inviterId() > 0 ? Math.max(0, options.longValue("QuotaForInvitee")) : 0;
    long inviterBonus = user.inviterId() > 0 ? Math.max(0, options.longValue("QuotaForInviter")) : 0;
    String displayName = user.displayName().isEmpty() ? user.username() : user.displayName();
    return freeAffCode(conn, api, 5).compose(affCode -> conn.preparedQuery("INSERT INTO users (username, password, display_name, role, status, quota, \"group\", "
            + "aff_code, inviter_id, created_time, password_changed) "
            + "VALUES ($1, $2, $3, $4, 1, $5, 'default', $6, $7, $8, true) RETURNING id")
        .execute(Tuple.of(user.username(), user.passwordHash(), displayName, user.role(),
            newUserQuota + inviteeBonus, affCode, user.inviterId(), now)))
        .map(rows -> rows.iterator().next().getInteger(0))
        .compose(id -> {
          Future<Void> logs = Future.succeededFuture();
          if (newUserQuota > 0) {
            logs = logs.compose(v -> api.log(conn, 4, id, user.username(),
                "新用户注册赠送 " + ApiContext.quotaText(options, newUserQuota) + " (sign-up bonus)"));
          }
          if (inviteeBonus > 0) {
            logs = logs.compose(v -> api.log(conn, 4, id, user.username(),
                "使用邀请码赠送 " + ApiContext.quotaText(options, inviteeBonus) + " (invitee bonus)"));
          }
          if (inviterBonus > 0) {
            logs = logs.compose(v -> conn.preparedQuery("UPDATE users SET quota = quota + $2, "
                    + "quota_version = quota_version + 1 WHERE id = $1 "
                    + "RETURNING username, quota, quota_version, quota_generation")
                .execute(Tuple.of(user.inviterId(), inviterBonus))
                .compose(rows -> {
                  if (rows.size() == 0) {
                    return Future.succeededFuture();
                  }
                  Row row = rows.iterator().next();
                  QuotaCredits.QuotaState inviter = new QuotaCredits.QuotaState(user.inviterId(),
                      row.getLong(1) - inviterBonus, row.getLong(1), row.getLong(2), row.getLong(3));
                  conn.transaction().completion().onSuccess(x -> api.userQuotaChanged(inviter));
                  return api.log(conn, 4, user.inviterId(), rows.iterator().next().getString(0),
                      "邀请用户赠送 " + ApiContext.quotaText(options, inviterBonus) + " (inviter bonus)");
                }));
          }
          return logs
              .compose(v -> {
                ApiContext.StoredSecret key = api.store(TokenKeys.relayKey(api.random()));
                return conn.preparedQuery("INSERT INTO tokens (user_id, key, key_digest, key_sealed, status, name, "
                        + "created_time, accessed_time, expired_time, remain_quota, unlimited_quota) "
                        + "VALUES ($1, $2, $3, $4, 1, 'default', $5, $5, -1, 0, true) RETURNING id")
                    .execute(Tuple.of(id, key.placeholder(), key.digest(), key.sealed(), now));
              })
              .map(rows -> new Created(id, rows.iterator().next().getInteger(0)));
        });
  }

  /**
   * After the commit: the USER then the TOKEN change notice, so every node knows the user and can relay with its
   * default token at once (within the notice's delivery, not at the next full sync).
   */
  void announce(Created created) {
    api.notice(ChangeNotice.Kind.USER, created.userId());
    api.notice(ChangeNotice.Kind.TOKEN, created.tokenId());
  }
}
