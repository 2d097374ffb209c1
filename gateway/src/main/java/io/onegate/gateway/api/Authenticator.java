package io.onegate.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * Resolves the caller of a management request: a valid {@code session} cookie, else {@code Authorization:
 * [Bearer ]<access token>}. The user row is read on every request (the management API is not the hot path), so
 * a disabled, deleted or demoted user is refused at once on every node.
 *
 * <p>CSRF: a state-changing request (not GET/HEAD/OPTIONS) authenticated by cookie must carry an
 * {@code X-Requested-With} header (a cross-site form cannot set one, and a cross-origin script cannot without a
 * CORS preflight, which /api never grants), and must not come with {@code Sec-Fetch-Site: cross-site/same-site}
 * or an {@code Origin} other than the request's host. Access-token requests are exempt (no ambient credential).
 */
public final class Authenticator {
  static final String NO_CREDENTIAL = "无权进行此操作，未登录且未提供 access token (not logged in and no access token)";
  static final String BANNED = "用户已被封禁 (this user is disabled)";
  private static final String USER_COLUMNS = "SELECT id, username, role, status, \"group\", sessions_valid_after "
      + "FROM users ";

  private final Pool pg;
  private final SessionCodec sessions;

  public Authenticator(Pool pg, SessionCodec sessions) {
    this.pg = pg;
    this.sessions = sessions;
  }

  /** The caller with at least {@code minRole}, or a failed future with a 401/403 {@link ApiException}. */
  public Future<Principal> authenticate(RoutingContext ctx, int minRole) {
    HttpServerRequest request = ctx.request();
    Cookie cookie = request.getCookie(SessionCodec.COOKIE);
    Optional<SessionCodec.Claims> claims = cookie == null ? Optional.empty() : sessions.verify(cookie.getValue());
    Future<Principal> caller;
    if (claims.isPresent()) {
      checkCsrf(request);
      long issuedAt = claims.get().issuedAt();
      caller = pg.preparedQuery(USER_COLUMNS + "WHERE id = $1").execute(Tuple.of(claims.get().userId()))
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
        if (cookie != null) {
          clearSession(ctx);
          return Future.failedFuture(ApiException.unauthorized("session is invalid or expired: log in again"));
        }
        return Future.failedFuture(ApiException.unauthorized(NO_CREDENTIAL));
      }
      caller = pg.preparedQuery(USER_COLUMNS + "WHERE access_token = $1").execute(Tuple.of(token))
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

  /** Sets the session cookie for {@code userId}: HttpOnly, SameSite=Strict, Path=/, Secure behind HTTPS. */
  public void startSession(RoutingContext ctx, int userId, int role) {
    ctx.response().addCookie(cookie(ctx, sessions.issue(userId, role), SessionCodec.MAX_AGE.toSeconds()));
  }

  /**
   * Signs out: refuses, on every node, all sessions of the cookie's user issued until now (a copied cookie dies
   * too), and clears the cookie. Without a valid cookie it only clears it.
   */
  public Future<Void> endSessions(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(SessionCodec.COOKIE);
    Optional<SessionCodec.Claims> claims = cookie == null ? Optional.empty() : sessions.verify(cookie.getValue());
    clearSession(ctx);
    return claims.map(c -> revokeSessions(c.userId())).orElse(Future.succeededFuture());
  }

  /** Refuses every session of {@code userId} issued until now (password change, deletion, logout). */
  public Future<Void> revokeSessions(int userId) {
    return pg.preparedQuery("UPDATE users SET sessions_valid_after = $2 WHERE id = $1")
        .execute(Tuple.of(userId, sessions.nowMillis())).mapEmpty();
  }

  public void clearSession(RoutingContext ctx) {
    if (ctx.request().getCookie(SessionCodec.COOKIE) != null && !ctx.response().headWritten()) {
      ctx.response().addCookie(cookie(ctx, "", 0));
    }
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
    return token.isEmpty() || token.length() > 64 ? null : token;
  }

  private static void checkCsrf(HttpServerRequest request) {
    HttpMethod m = request.method();
    if (m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS) {
      return;
    }
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
      throw ApiException.forbidden("cross-site request refused");
    }
    String origin = request.getHeader("Origin");
    String host = request.getHeader("Host");
    if (origin != null && host != null && !origin.equals("null")
        && !origin.replaceFirst("^https?://", "").equalsIgnoreCase(host)) {
      throw ApiException.forbidden("cross-site request refused (Origin does not match Host)");
    }
    if (origin != null && origin.equals("null")) {
      throw ApiException.forbidden("cross-site request refused (opaque Origin)");
    }
    String marker = request.getHeader("X-Requested-With");
    if (marker == null || marker.isBlank()) {
      throw ApiException.forbidden("state-changing requests with a session cookie must send the "
          + "X-Requested-With header (CSRF protection)");
    }
  }
}
