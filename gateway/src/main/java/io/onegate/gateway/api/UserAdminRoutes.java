package io.onegate.gateway.api;

import io.onegate.common.balance.QuotaCredits;
import io.onegate.common.domain.ChangeNotice;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Map;

/**
 * Admin user management ({@code /api/user/...}, {@code /api/topup}) with One API's role rules: an admin cannot
 * read or change users of the same or a higher role, only root promotes to admin, root cannot be disabled,
 * deleted or demoted. Every change writes a manage log and a USER change notice.
 */
final class UserAdminRoutes {
  private static final String SAME_OR_HIGHER = "无权操作同权限等级或更高权限等级的用户 (you cannot manage a user of "
      + "the same or a higher role)";
  private static final Map<String, String> ORDERS = Map.of(
      "quota", "quota DESC, id DESC", "used_quota", "used_quota DESC, id DESC",
      "request_count", "request_count DESC, id DESC");
  private final ApiContext api;
  private final UserCreator creator;

  private final Authenticator auth;

  UserAdminRoutes(ApiContext api, Authenticator auth) {
    this.api = api;
    this.auth = auth;
    this.creator = new UserCreator(api);
  }

  void mount(ApiRouter r) {
    r.get("/api/user/", Roles.ADMIN, this::list);
    r.get("/api/user/search", Roles.ADMIN, this::search);
    r.post("/api/user/manage", Roles.ADMIN, this::manage);
    r.get("/api/user/:id", Roles.ADMIN, this::get);
    r.post("/api/user/", Roles.ADMIN, this::create);
    r.put("/api/user/", Roles.ADMIN, this::update);
    r.delete("/api/user/:id", Roles.ADMIN, this::delete);
    r.post("/api/topup", Roles.ADMIN, this::adminTopUp);
  }

  private Future<?> list(ApiCall call) {
    String order = ORDERS.getOrDefault(call.query("order"), "id DESC");
    return api.pg().preparedQuery("SELECT " + UserRows.COLUMNS + " FROM users WHERE status <> 3 ORDER BY " + order
            + " LIMIT 10 OFFSET $1")
        .execute(Tuple.of(call.offset()))
        .map(UserRows::list);
  }

  private Future<?> search(ApiCall call) {
    String keyword = call.query("keyword");
    if (keyword.length() > 64) {
      throw ApiException.badRequest("keyword is too long");
    }
    int id = keyword.matches("\\d{1,9}") ? Integer.parseInt(keyword) : -1;
    String like = ApiCall.likePrefix(keyword);
    return api.pg().preparedQuery("SELECT " + UserRows.COLUMNS + " FROM users WHERE status <> 3 AND (id = $1 OR "
            + "username LIKE $2 OR email LIKE $2 OR display_name LIKE $2) ORDER BY id DESC LIMIT 100")
        .execute(Tuple.of(id, like))
        .map(UserRows::list);
  }

  private Future<?> get(ApiCall call) {
    int id = call.id("id");
    return load(id).map(row -> {
      checkMayManage(call.principal(), row);
      return UserRows.json(row);
    });
  }

  private Future<Row> load(int id) {
    return api.pg().preparedQuery("SELECT " + UserRows.COLUMNS + " FROM users WHERE id = $1 AND status <> 3")
        .execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiException.notFound("user #" + id + " does not exist");
          }
          return rows.iterator().next();
        });
  }

  private static void checkMayManage(Principal me, Row target) {
    if (!me.isRoot() && target.getInteger("role") >= me.role()) {
      throw ApiException.forbidden(SAME_OR_HIGHER);
    }
  }

  private Future<?> create(ApiCall call) {
    Body body = call.body();
    Principal me = call.principal();
    String username = UserRows.validUsername(body.requiredString("username", 64).trim());
    String password = Passwords.validate(body.requiredString("password", 128));
    String displayName = UserRows.validDisplayName(body.string("display_name", 64).orElse("").trim());
    int role = body.integer("role", 0, 1000).orElse((long) Roles.COMMON).intValue();
    if (role != Roles.COMMON && role != Roles.ADMIN) {
      throw ApiException.badRequest("role must be 1 (common) or 10 (admin)");
    }
    if (role >= me.role()) {
      throw ApiException.forbidden("无法创建权限大于等于自己的用户 (you cannot create a user of your role or higher)");
    }
    return api.options().compose(options -> api.passwords().hash(password)
        .compose(hash -> api.pg().withTransaction(conn -> creator.create(conn,
                new UserCreator.NewUser(username, hash, displayName, role, 0), options)
            .compose(created -> api.audit(conn, me, created.userId(), username, "created user " + username + " (#"
                + created.userId() + ")").map(created))))
        .map(created -> {
          creator.announce(created);
          return null;
        }));
  }

  /** One API's full update: username, display_name, password (empty keeps), group, quota, and role within rules. */
  private Future<?> update(ApiCall call) {
    Body body = call.body();
    Principal me = call.principal();
    int id = (int) body.requiredInteger("id", 1, Integer.MAX_VALUE);
    var username = body.string("username", 64).map(String::trim).filter(s -> !s.isEmpty())
        .map(UserRows::validUsername);
    var displayName = body.string("display_name", 64).map(String::trim).map(UserRows::validDisplayName);
    var password = body.string("password", 128).filter(s -> !s.isEmpty()).map(Passwords::validate);
    var group = body.string("group", 64).map(String::trim).filter(s -> !s.isEmpty()).map(UserRows::validGroup);
    var quota = body.integer("quota", 0, Long.MAX_VALUE / 4);
    var role = body.integer("role", 0, 1000).map(Long::intValue);
    Future<String> hash = password.isPresent() ? api.passwords().hash(password.get()) : Future.succeededFuture(null);
    QuotaCredits.QuotaState[] quotaChange = new QuotaCredits.QuotaState[1];
    return api.options().compose(options -> hash.compose(h -> api.pg().withTransaction(conn ->
            conn.preparedQuery("SELECT " + UserRows.COLUMNS + " FROM users WHERE id = $1 AND status <> 3 FOR UPDATE")
                .execute(Tuple.of(id))
                .compose(rows -> {
                  if (rows.size() == 0) {
                    throw ApiException.notFound("user #" + id + " does not exist");
                  }
                  Row old = rows.iterator().next();
                  checkMayManage(me, old);
                  int oldRole = old.getInteger("role");
                  int newRole = role.orElse(oldRole);
                  if (newRole != oldRole) {
                    if (oldRole >= Roles.ROOT) {
                      throw ApiException.forbidden("无法修改超级管理员的权限 (root's role cannot change)");
                    }
                    if (newRole != Roles.COMMON && newRole != Roles.ADMIN) {
                      throw ApiException.badRequest("role must be 1 (common) or 10 (admin)");
                    }
                    if (!me.isRoot()) {
                      throw ApiException.forbidden("只有超级管理员可以修改权限 (only root changes roles)");
                    }
                  }
                  long oldQuota = old.getLong("quota");
                  long newQuota = quota.orElse(oldQuota);
                  // the row is locked (FOR UPDATE): oldQuota is exact; a changed quota bumps quota_version and,
                  // being an absolute set, quota_generation: usage admitted before it is not taken off the new value
                  Future<Void> done = conn.preparedQuery("UPDATE users SET username = COALESCE($2, username), "
                          + "display_name = COALESCE($3, display_name), password = COALESCE($4, password), "
                          + "\"group\" = COALESCE($5, \"group\"), quota = $6, role = $7, "
                          + "password_changed = password_changed OR $4 IS NOT NULL, "
                          + "quota_version = quota_version + CASE WHEN quota = $6 THEN 0 ELSE 1 END, "
                          + "quota_generation = quota_generation + CASE WHEN quota = $6 THEN 0 ELSE 1 END "
                          + "WHERE id = $1 RETURNING quota_version, quota_generation")
                      .execute(Tuple.of(id, username.orElse(null), displayName.orElse(null), h, group.orElse(null),
                          newQuota, newRole))
                      .map(updated -> {
                        if (newQuota != oldQuota) {
                          Row row = updated.iterator().next();
                          quotaChange[0] = new QuotaCredits.QuotaState(id, oldQuota, newQuota, row.getLong(0),
                              row.getLong(1));
                        }
                        return null;
                      });
                  String name = username.orElse(old.getString("username"));
                  StringBuilder what = new StringBuilder("updated user " + name + " (#" + id + ")");
                  group.filter(g -> !g.equals(old.getString("group")))
                      .ifPresent(g -> what.append(", group ").append(old.getString("group")).append(" -> ").append(g));
                  if (newRole != oldRole) {
                    what.append(", role ").append(oldRole).append(" -> ").append(newRole);
                  }
                  if (h != null) {
                    what.append(", password changed");
                  }
                  done = done.compose(v -> api.audit(conn, me, id, name, what.toString()));
                  if (newQuota != oldQuota) {
                    done = done.compose(v -> api.audit(conn, me, id, name, "管理员将用户额度从 "
                        + ApiContext.quotaText(options, oldQuota) + "修改为 " + ApiContext.quotaText(options, newQuota)
                        + " (quota changed from " + oldQuota + " to " + newQuota + ")"));
                  }
                  return done;
                }))
            .compose(v -> h == null ? Future.<Void>succeededFuture() : auth.revokeSessions(id).map(x -> {
              if (id == me.id() && me.viaSession()) {
                auth.startSession(call.ctx(), me.id(), me.role());
              }
              return null;
            })))
        .map(v -> {
          if (quotaChange[0] != null) {
            api.userQuotaChanged(quotaChange[0]);
          }
          api.notice(ChangeNotice.Kind.USER, id);
          return null;
        }));
  }

  private Future<?> manage(ApiCall call) {
    Body body = call.body();
    String username = UserRows.canonicalUsername(body.requiredString("username", 64));
    String action = body.requiredString("action", 16).trim();
    if (!java.util.Set.of("disable", "enable", "delete", "promote", "demote").contains(action)) {
      throw ApiException.badRequest("action must be one of disable, enable, delete, promote, demote");
    }
    return api.pg().preparedQuery("SELECT id FROM users WHERE username = $1 AND status <> 3")
        .execute(Tuple.of(username))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw ApiException.notFound("用户不存在 (no user named " + username + ")");
          }
          return apply(call.principal(), rows.iterator().next().getInteger(0), action);
        });
  }

  private Future<?> delete(ApiCall call) {
    return apply(call.principal(), call.id("id"), "delete").map(v -> null);
  }

  /** Applies a manage action under the role rules; returns One API's {@code {role, status}}. */
  private Future<JsonObject> apply(Principal me, int id, String action) {
    return api.pg().withTransaction(conn -> conn.preparedQuery(
            "SELECT id, username, role, status FROM users WHERE id = $1 AND status <> 3 FOR UPDATE")
        .execute(Tuple.of(id))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw ApiException.notFound("user #" + id + " does not exist");
          }
          Row target = rows.iterator().next();
          checkMayManage(me, target);
          int role = target.getInteger("role");
          int status = target.getInteger("status");
          String name = target.getString("username");
          String sql;
          Tuple args;
          switch (action) {
            case "disable" -> {
              if (role >= Roles.ROOT) {
                throw ApiException.forbidden("无法禁用超级管理员用户 (root cannot be disabled)");
              }
              status = Roles.STATUS_DISABLED;
              sql = "UPDATE users SET status = 2 WHERE id = $1";
              args = Tuple.of(id);
            }
            case "enable" -> {
              status = Roles.STATUS_ENABLED;
              sql = "UPDATE users SET status = 1 WHERE id = $1";
              args = Tuple.of(id);
            }
            case "delete" -> {
              if (role >= Roles.ROOT) {
                throw ApiException.forbidden("无法删除超级管理员用户 (root cannot be deleted)");
              }
              status = Roles.STATUS_DELETED;
              sql = "UPDATE users SET status = 3, username = $2 WHERE id = $1";
              args = Tuple.of(id, "deleted_" + TokenKeys.hex(api.random(), 32));
            }
            case "promote" -> {
              if (!me.isRoot()) {
                throw ApiException.forbidden("普通管理员用户无法提升其他用户为管理员 (only root promotes)");
              }
              if (role >= Roles.ADMIN) {
                throw ApiException.badRequest("该用户已经是管理员 (already an admin)");
              }
              role = Roles.ADMIN;
              sql = "UPDATE users SET role = 10 WHERE id = $1";
              args = Tuple.of(id);
            }
            default -> {
              if (role >= Roles.ROOT) {
                throw ApiException.forbidden("无法降级超级管理员用户 (root cannot be demoted)");
              }
              if (role == Roles.COMMON) {
                throw ApiException.badRequest("该用户已经是普通用户 (already a common user)");
              }
              role = Roles.COMMON;
              sql = "UPDATE users SET role = 1 WHERE id = $1";
              args = Tuple.of(id);
            }
          }
          JsonObject result = new JsonObject().put("role", role).put("status", status);
          return conn.preparedQuery(sql).execute(args)
              .compose(v -> api.audit(conn, me, id, name, action + "d user " + name + " (#" + id + ")"))
              .map(result);
        }))
        .map(result -> {
          api.notice(ChangeNotice.Kind.USER, id);
          return result;
        });
  }

  /**
   * {@code POST /api/topup {user_id, quota, remark}}: adds quota, writes a top-up log (type 1) and a manage log. The
   * role rules of {@code PUT /api/user/} apply: an admin tops up only users of a lower role (not itself, not other
   * admins, not root); root tops up anyone.
   */
  private Future<?> adminTopUp(ApiCall call) {
    Body body = call.body();
    Principal me = call.principal();
    int userId = (int) body.requiredInteger("user_id", 1, Integer.MAX_VALUE);
    long quota = body.requiredInteger("quota", 1, 1_000_000_000_000_000L);
    String remark = body.string("remark", 255).orElse("").trim();
    QuotaCredits.QuotaState[] credited = new QuotaCredits.QuotaState[1];
    return api.options().compose(options -> api.pg().withTransaction(conn -> conn.preparedQuery(
                "SELECT role FROM users WHERE id = $1 AND status <> 3 FOR UPDATE").execute(Tuple.of(userId))
            .compose(target -> {
              if (target.size() == 0) {
                throw ApiException.notFound("user #" + userId + " does not exist");
              }
              checkMayManage(me, target.iterator().next());
              return conn.preparedQuery("UPDATE users SET quota = quota + $2, quota_version = quota_version + 1 "
                  + "WHERE id = $1 RETURNING username, quota, quota_version, quota_generation")
                  .execute(Tuple.of(userId, quota));
            })
            .compose(rows -> {
              Row row = rows.iterator().next();
              String name = row.getString(0);
              credited[0] = new QuotaCredits.QuotaState(userId, row.getLong(1) - quota, row.getLong(1),
                  row.getLong(2), row.getLong(3));
              return api.log(conn, 1, userId, name, "管理员充值 " + ApiContext.quotaText(options, quota)
                      + (remark.isEmpty() ? "" : " (" + remark + ")"))
                  .compose(v -> api.audit(conn, me, userId, name, "topped up " + name + " (#" + userId + ") by "
                      + quota));
            })))
        .map(v -> {
          api.userQuotaChanged(credited[0]);
          api.notice(ChangeNotice.Kind.USER, userId);
          return null;
        });
  }
}
