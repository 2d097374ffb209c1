package io.onegate.gateway.api;

import io.onegate.common.crypto.TokenVault;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves the caller of a management request: a valid {@code session} cookie, else {@code Authorization:
 * [Bearer ]<access token>} (found by its {@link TokenVault} digest: the database holds no usable access token;
 * a row not converted yet by {@link SecretsAtRest} by its plaintext).
 * The user row is read on every request (the management API is not the hot path), so
 * a disabled, deleted or demoted user is refused at once on every node. Of several {@code session} cookies the
 * first valid one counts: a malformed or stale cookie never discards a good one.
 *
 * <p>A request the cookie authenticates, and a login, must pass the {@link SameOriginPolicy} (allowed Host; for a
 * state-changing request, no cross-site provenance). Access-token requests are exempt (no ambient credential).
 */
public final class Authenticator {
  static final String NO_CREDENTIAL = "无权进行此操作，未登录且未提供 access token (not logged in and no access token)";
  static final String BANNED = "用户已被封禁 (this user is disabled)";
  private static final String USER_COLUMNS = "SELECT id, username, role, status, \"group\", sessions_valid_after "
      + "FROM users ";

  private final Pool pg;
  private final SessionCodec sessions;
  private final SameOriginPolicy sameOrigin;
  private final TokenVault vault;

  Authenticator(Pool pg, SessionCodec sessions, SameOriginPolicy sameOrigin, TokenVault vault) {
    this.pg = pg;
    this.sessions = sessions;
    this.sameOrigin = sameOrigin;
    this.vault = vault;
  }

  /**
   * The caller with at least {@code minRole}, or a failed future with an {@link ApiException}: 401 without a valid
   * credential, a refusal for a disabled user or a lower role, 403 from the {@link SameOriginPolicy}.
   */
  public Future<Principal> authenticate(RoutingContext ctx, int minRole, boolean changesState) {
    HttpServerRequest request = ctx.request();
    Optional<SessionCodec.Claims> claims = session(request);
    Future<Principal> caller;
    if (claims.isPresent()) {
      long issuedAt = claims.get().issuedAt();
      caller = sameOrigin.check(request, changesState)
          .compose(v -> pg.preparedQuery(USER_COLUMNS + "WHERE id = $1").execute(Tuple.of(claims.get().userId())))
          .map(rows -> {
            Row row = rows.size() == 0 ? null : rows.iterator().next();
            if (row != null && issuedAt < row.getLong("sessions_valid_after")) {
              clearSession(ctx);
              throw ApiException.unauthorized("this session was signed out: log in again");
            }
            return principal(row, true);
          });
    } else {
      String token = accessToken(request.getHeader("Authorization"));
      if (token == null) {
        if (!sessionValues(request).isEmpty()) {
          clearSession(ctx);
          return Future.failedFuture(ApiException.unauthorized("session is invalid or expired: log in again"));
        }
        return Future.failedFuture(ApiException.unauthorized(NO_CREDENTIAL));
      }
      // a row not converted yet (One API's database, a node of the previous version) still has it in plaintext
      caller = pg.preparedQuery(USER_COLUMNS + "WHERE access_token_digest = $1 OR access_token = $2 ORDER BY id "
              + "LIMIT 1")
          .execute(Tuple.of(vault.digest(token), token))
          .map(rows -> {
            if (rows.size() == 0) {
              throw ApiException.unauthorized("无权进行此操作，access token 无效 (invalid access token)");
            }
            return principal(rows.iterator().next(), false);
          });
    }
    return caller.map(p -> {
      if (p == null) {
        clearSession(ctx);
        throw ApiException.unauthorized("session is invalid or expired: log in again");
      }
      if (p.status() != Roles.STATUS_ENABLED) {
        clearSession(ctx);
        throw ApiException.forbidden(BANNED);
      }
      if (p.role() < minRole) {
        throw ApiException.forbidden("权限不足 (insufficient role)");
      }
      return p;
    });
  }

  /** Before a password check: a login, which sets a cookie, must pass the {@link SameOriginPolicy}. */
  public Future<Void> checkLogin(RoutingContext ctx) {
    return sameOrigin.check(ctx.request(), true);
  }

  /** Sets the session cookie for {@code userId}: HttpOnly, SameSite=Strict, Path=/, Secure behind HTTPS. */
  public void startSession(RoutingContext ctx, int userId, int role) {
    ctx.response().addCookie(cookie(ctx, sessions.issue(userId, role), SessionCodec.MAX_AGE.toSeconds()));
  }

  /**
   * Signs out: refuses, on every node, all sessions of the cookie's user issued until now (a copied cookie dies
   * too), and clears the cookie. Without a valid cookie it only clears it.
   */
  public Future<Void> endSessions(RoutingContext ctx) {
    Optional<SessionCodec.Claims> claims = session(ctx.request());
    if (claims.isEmpty()) {
      clearSession(ctx);
      return Future.succeededFuture();
    }
    return sameOrigin.check(ctx.request(), true).compose(v -> {
      clearSession(ctx);
      return revokeSessions(claims.get().userId());
    });
  }

  /** Refuses every session of {@code userId} issued until now (password change, deletion, logout). */
  public Future<Void> revokeSessions(int userId) {
    return pg.preparedQuery("UPDATE users SET sessions_valid_after = $2 WHERE id = $1")
        .execute(Tuple.of(userId, sessions.nowMillis())).mapEmpty();
  }

  public void clearSession(RoutingContext ctx) {
    if (!sessionValues(ctx.request()).isEmpty() && !ctx.response().headWritten()) {
      ctx.response().addCookie(cookie(ctx, "", 0));
    }
  }

  /** The claims of the first valid {@code session} cookie of the request. */
  private Optional<SessionCodec.Claims> session(HttpServerRequest request) {
    for (String value : sessionValues(request)) {
      Optional<SessionCodec.Claims> claims = sessions.verify(value);
      if (claims.isPresent()) {
        return claims;
      }
    }
    return Optional.empty();
  }

  /**
   * Every {@code session} cookie value in header order (read from the Cookie headers directly: a browser sends
   * same-named cookies of different paths or domains side by side, which a cookie map would collapse).
   */
  static List<String> sessionValues(HttpServerRequest request) {
    List<String> values = new ArrayList<>();
    for (String header : request.headers().getAll("Cookie")) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).trim().equals(SessionCodec.COOKIE)) {
          String value = pair.substring(eq + 1).trim();
          values.add(value.length() > 1 && value.startsWith("\"") && value.endsWith("\"")
              ? value.substring(1, value.length() - 1) : value);
        }
      }
    }
    return values;
  }

  private static Cookie cookie(RoutingContext ctx, String value, long maxAge) {
    boolean https = ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
    return Cookie.cookie(SessionCodec.COOKIE, value).setPath("/").setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT).setSecure(https).setMaxAge(maxAge);
  }

  private static Principal principal(Row row, boolean viaSession) {
    if (row == null) {
      return null;
    }
    return new Principal(row.getInteger("id"), row.getString("username"), row.getInteger("role"),
        row.getInteger("status"), row.getString("group"), viaSession);
  }

  static String accessToken(String header) {
    if (header == null) {
      return null;
    }
    String token = header.trim();
    if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = token.substring(7).trim();
    }
    return token.isEmpty() || token.length() > 64 || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? null
        : token;
  }
}
