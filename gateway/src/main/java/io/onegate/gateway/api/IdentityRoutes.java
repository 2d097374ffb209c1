package io.onegate.gateway.api;

import io.onegate.common.balance.QuotaCredits;
import io.onegate.common.domain.ChangeNotice;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The caller's own account: login, logout, register, self (read/update/delete), access token, invite code,
 * available models, dashboard and redeeming a code ({@code /api/user/...}).
 */
final class IdentityRoutes {
  private static final String WRONG_LOGIN = "用户名或密码错误，或用户已被封禁 (wrong username or password, or the user "
      + "is disabled)";
  private final ApiContext api;
  private final LoginGuard guard;
  private final Authenticator auth;
  private final UserCreator creator;

  IdentityRoutes(ApiContext api, LoginGuard guard, Authenticator auth) {
    this.api = api;
    this.guard = guard;
    this.auth = auth;
    this.creator = new UserCreator(api);
  }

  void mount(ApiRouter r) {
    r.post("/api/user/login", ApiRouter.PUBLIC, this::login);
    r.get("/api/user/logout", ApiRouter.PUBLIC, this::logout);
    r.post("/api/user/register", ApiRouter.PUBLIC, this::register);
    r.get("/api/user/self", Roles.COMMON, this::self);
    r.put("/api/user/self", Roles.COMMON, this::updateSelf);
    r.delete("/api/user/self", Roles.COMMON, this::deleteSelf);
    r.stateChangingGet("/api/user/token", Roles.COMMON, this::rotateAccessToken);
    r.get("/api/user/aff", Roles.COMMON, this::affCode);
    r.get("/api/user/available_models", Roles.COMMON, this::availableModels);
    r.get("/api/user/dashboard", Roles.COMMON, this::dashboard);
    r.post("/api/user/topup", Roles.COMMON, this::redeem);
  }

  /**
   * {@code POST /api/user/login}: the {@link LoginGuard}'s limits (per client address, then per account and
   * address), then the password. A wrong password, an unknown user and a disabled user get the same answer.
   */
  private Future<?> login(ApiCall call) {
    Body body = call.body();
    String username = UserRows.canonicalUsername(body.string("username", 128).orElse(""));
    String password = body.string("password", 128).orElse("");
    if (username.isEmpty() || password.isEmpty()) {
      throw ApiException.badRequest("无效的参数 (username and password are required)");
    }
    Passwords.checkLength(password);
    return auth.checkLogin(call.ctx())
        .compose(v -> api.options())
        .compose(options -> {
          if (!options.bool("PasswordLoginEnabled")) {
            throw ApiException.forbidden("管理员关闭了密码登录 (password login is disabled)");
          }
          return guard.admitLogin(call.clientAddress());
        })
        .compose(attempt -> api.pg().preparedQuery("SELECT id, username, password, display_name, role, status "
                + "FROM users WHERE (username = $1 OR (email = $1 AND email <> '')) AND status <> 3 "
                + "ORDER BY id LIMIT 1")
            .execute(Tuple.of(username))
            .compose(rows -> {
              Row user = rows.size() == 0 ? null : rows.iterator().next();
              // the user id when there is one (username and email share it), else the name as typed: alike
              String account = user == null ? "name:" + username : "user:" + user.getInteger("id");
              return guard.admitAccount(attempt, account)
                  .compose(v -> api.passwords().matches(password, user == null ? null : user.getString("password")))
                  .compose(ok -> {
                    if (!ok || user.getInteger("status") != Roles.STATUS_ENABLED) {
                      return Future.failedFuture(ApiException.refused(WRONG_LOGIN));
                    }
                    return guard.succeeded(attempt, account).map(v -> {
                      auth.startSession(call.ctx(), user.getInteger("id"), user.getInteger("role"));
                      return new JsonObject()
                          .put("id", user.getInteger("id"))
                          .put("username", user.getString("username"))
                          .put("display_name", user.getString("display_name"))
                          .put("role", user.getInteger("role"))
                          .put("status", user.getInteger("status"));
                    });
                  });
            }));
  }

  /** Clears the cookie and signs every session of the user out on all nodes (a copied cookie dies too). */
  private Future<?> logout(ApiCall call) {
    return auth.endSessions(call.ctx()).map(v -> null);
  }

  private Future<?> register(ApiCall call) {
    Body body = call.body();
    String username = UserRows.validUsername(body.requiredString("username", 64).trim());
    String password = Passwords.validate(body.requiredString("password", 128));
    String displayName = UserRows.validDisplayName(body.string("display_name", 64).orElse("").trim());
    String affCode = body.string("aff_code", 64).orElse("").trim();
    return api.options()
        .compose(options -> {
          if (!options.bool("RegisterEnabled") || !options.bool("PasswordRegisterEnabled")) {
            throw ApiException.forbidden("管理员关闭了新用户注册 (registration is closed)");
          }
          if (options.bool("EmailVerificationEnabled") || options.bool("TurnstileCheckEnabled")) {
            throw ApiException.forbidden("registration needs email verification or Turnstile, which OneGate does "
                + "not support yet: ask an administrator to create the account");
          }
          return guard.admitRegistration(call.clientAddress())
              .compose(v -> api.pg().preparedQuery("SELECT 1 FROM users WHERE username = $1")
                  .execute(Tuple.of(username)))
              .compose(rows -> {
                if (rows.size() > 0) {
                  throw ApiException.conflict("用户名已存在，或已注销 (the username is taken)");
                }
                return affCode.isEmpty() ? Future.succeededFuture(0)
                    : api.pg().preparedQuery("SELECT id FROM users WHERE aff_code = $1 AND status = 1")
                        .execute(Tuple.of(affCode))
                        .map(r -> r.size() == 0 ? 0 : r.iterator().next().getInteger(0));
              })
              .compose(inviterId -> api.passwords().hash(password)
                  .compose(hash -> api.pg().withTransaction(conn -> creator.create(conn,
                      new UserCreator.NewUser(username, hash, displayName, Roles.COMMON, inviterId), options)))
                  .map(created -> {
                    creator.announce(created);
                    if (inviterId > 0) {
                      api.notice(ChangeNotice.Kind.USER, inviterId);
                    }
                    return null;
                  }));
        });
  }

  private Future<?> self(ApiCall call) {
    return api.pg().preparedQuery("SELECT " + UserRows.COLUMNS + " FROM users WHERE id = $1")
        .execute(Tuple.of(call.principal().id()))
        .map(rows -> UserRows.json(rows.iterator().next()));
  }

  private Future<?> updateSelf(ApiCall call) {
    Body body = call.body();
    Principal me = call.principal();
    var username = body.string("username", 64).map(String::trim).filter(s -> !s.isEmpty())
        .map(UserRows::validUsername);
    var displayName = body.string("display_name", 64).map(String::trim).map(UserRows::validDisplayName);
    var password = body.string("password", 128).filter(s -> !s.isEmpty()).map(Passwords::validate);
    if (username.isEmpty() && displayName.isEmpty() && password.isEmpty()) {
      throw ApiException.badRequest("nothing to update: send username, display_name or password");
    }
    Future<String> hash = password.isPresent() ? api.passwords().hash(password.get()) : Future.succeededFuture(null);
    return hash.compose(h -> api.pg().preparedQuery("UPDATE users SET username = COALESCE($2, username), "
                + "display_name = COALESCE($3, display_name), password = COALESCE($4, password), "
                + "password_changed = password_changed OR $4 IS NOT NULL WHERE id = $1")
            .execute(Tuple.of(me.id(), username.orElse(null), displayName.orElse(null), h)))
        .compose(rows -> {
          api.notice(ChangeNotice.Kind.USER, me.id());
          if (password.isEmpty()) {
            return Future.succeededFuture(null);
          }
          // a new password signs out every other session; this one gets a fresh cookie
          return auth.revokeSessions(me.id()).map(v -> {
            if (me.viaSession()) {
              auth.startSession(call.ctx(), me.id(), me.role());
            }
            return null;
          });
        });
  }

  private Future<?> deleteSelf(ApiCall call) {
    Principal me = call.principal();
    if (me.isRoot()) {
      throw ApiException.forbidden("不能删除超级管理员账户 (the root user cannot be deleted)");
    }
    return api.pg().preparedQuery("UPDATE users SET status = 3, username = $2 WHERE id = $1")
        .execute(Tuple.of(me.id(), "deleted_" + TokenKeys.hex(api.random(), 32)))
        .compose(rows -> auth.revokeSessions(me.id()))
        .map(v -> {
          api.notice(ChangeNotice.Kind.USER, me.id());
          auth.clearSession(call.ctx());
          return null;
        });
  }

  /** A new access token, shown this once: stored as digest and sealed form only ({@link ApiContext#store}). */
  private Future<?> rotateAccessToken(ApiCall call) {
    String token = TokenKeys.hex(api.random(), 32);
    ApiContext.StoredSecret stored = api.store(token);
    return api.pg().preparedQuery("UPDATE users SET access_token = NULL, access_token_digest = $2, "
            + "access_token_sealed = $3 WHERE id = $1")
        .execute(Tuple.of(call.principal().id(), stored.digest(), stored.sealed()))
        .map(rows -> {
          api.notice(ChangeNotice.Kind.USER, call.principal().id()); // the relay accepts an admin's access token
          return token;
        });
  }

  private Future<?> affCode(ApiCall call) {
    int id = call.principal().id();
    return api.pg().preparedQuery("SELECT aff_code FROM users WHERE id = $1").execute(Tuple.of(id))
        .compose(rows -> {
          String code = rows.iterator().next().getString(0);
          if (code != null && !code.isBlank()) {
            return Future.succeededFuture(code);
          }
          return UserCreator.freeAffCode(api.pg(), api, 5).compose(fresh -> api.pg()
              .preparedQuery("UPDATE users SET aff_code = $2 WHERE id = $1").execute(Tuple.of(id, fresh)).map(fresh));
        });
  }

  private Future<?> availableModels(ApiCall call) {
    return api.pg().preparedQuery("SELECT DISTINCT model FROM abilities WHERE \"group\" = $1 AND enabled "
            + "ORDER BY model")
        .execute(Tuple.of(call.principal().group()))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  /** Per-day (UTC), per-model sums of the caller's consume logs over the last 7 days; One API's field names. */
  private Future<?> dashboard(ApiCall call) {
    return api.pg().preparedQuery("SELECT to_char(to_timestamp(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, "
            + "model_name, count(*) AS request_count, COALESCE(sum(quota), 0) AS quota, "
            + "COALESCE(sum(prompt_tokens), 0) AS prompt_tokens, COALESCE(sum(completion_tokens), 0) AS "
            + "completion_tokens FROM logs WHERE user_id = $1 AND type = 2 AND created_at >= $2 "
            + "GROUP BY day, model_name ORDER BY day, model_name")
        .execute(Tuple.of(call.principal().id(), api.now() - 7 * 86_400L))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject()
              .put("Day", r.getString("day"))
              .put("ModelName", r.getString("model_name"))
              .put("RequestCount", r.getLong("request_count"))
              .put("Quota", r.getLong("quota"))
              .put("PromptTokens", r.getLong("prompt_tokens"))
              .put("CompletionTokens", r.getLong("completion_tokens"))));
          return out;
        });
  }

  /**
   * Redeems a code in one transaction: the code row is locked ({@code FOR UPDATE}), so concurrent redeems of one
   * code credit exactly once.
   */
  private Future<?> redeem(ApiCall call) {
    String key = call.body().requiredString("key", 64).trim();
    Principal me = call.principal();
    QuotaCredits.QuotaState[] credited = new QuotaCredits.QuotaState[1];
    return api.options().compose(options -> api.pg().withTransaction(conn -> conn.preparedQuery(
                "SELECT id, status, quota FROM redemptions WHERE key = $1 FOR UPDATE").execute(Tuple.of(key))
            .compose(rows -> {
              if (rows.size() == 0) {
                throw ApiException.badRequest("无效的兑换码 (invalid redemption code)");
              }
              Row code = rows.iterator().next();
              if (code.getInteger("status") == 3) {
                throw ApiException.badRequest("该兑换码已被使用 (this code has been used)");
              }
              if (code.getInteger("status") != 1) {
                throw ApiException.badRequest("该兑换码已被禁用 (this code is disabled)");
              }
              long quota = code.getLong("quota");
              return QuotaCredits.credit(conn, me.id(), quota)
                  .map(state -> {
                    credited[0] = state.orElseThrow(() -> ApiException.notFound("user does not exist"));
                    return state;
                  })
                  .compose(v -> conn.preparedQuery("UPDATE redemptions SET status = 3, redeemed_time = $2, "
                      + "redeemed_by = $3 WHERE id = $1").execute(Tuple.of(code.getInteger("id"), api.now(), me.id())))
                  .compose(v -> api.log(conn, 1, me.id(), me.username(),
                      "通过兑换码充值 " + ApiContext.quotaText(options, quota) + " (redeemed code #"
                          + code.getInteger("id") + ")"))
                  .map(quota);
            })))
        .map(quota -> {
          api.userQuotaChanged(credited[0]);
          api.notice(ChangeNotice.Kind.USER, me.id());
          return quota;
        });
  }
}
