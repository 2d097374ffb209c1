package io.onegate.gateway.relay;

import io.onegate.common.options.Options;
import io.onegate.gateway.api.LocalRateLimiter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One API's copy of OpenAI's old billing API, for clients that show a key's balance: {@code GET
 * /dashboard/billing/subscription} and {@code /dashboard/billing/usage} (also under {@code /v1}), authenticated
 * by the relay token.
 *
 * <p>With the option {@code DisplayTokenStatEnabled} (default) the figures are the token's (limit = remain + used;
 * an unlimited token reports 100,000,000), otherwise its owner's (limit = quota + used — One API's inverted check
 * that always reported 0 used, Q16, is not copied). With {@code DisplayInCurrencyEnabled} amounts are in USD
 * (quota / QuotaPerUnit); usage is in cents ({@code total_usage} = amount × 100). Figures are read from PostgreSQL,
 * current as of the billing worker's last flush (BATCH_UPDATE_INTERVAL); these requests are not relayed and do not
 * touch the relay's path. Like One API, they count against {@code GLOBAL_API_RATE_LIMIT} per client IP (a budget of
 * their own on each node, apart from /api's).
 */
final class BillingDashboard {
  private static final Logger LOG = LoggerFactory.getLogger(BillingDashboard.class);
  private static final double UNLIMITED_AMOUNT = 100_000_000;
  private static final long WINDOW_MILLIS = 180_000;
  private final RelayServices services;
  private final SqlClient pg;
  private final TokenRouteAuth auth;
  private final LocalRateLimiter limiter;
  private final int limit;

  /** {@code limit} requests per 3 minutes per client IP; 0 = no limit. */
  BillingDashboard(RelayServices services, SqlClient pg, int limit) {
    this.services = services;
    this.pg = pg;
    this.auth = new TokenRouteAuth(services);
    this.limit = limit;
    this.limiter = new LocalRateLimiter(limit, WINDOW_MILLIS, services.clock());
  }

  /** {@code billing_subscription}: the limit as soft, hard and system hard limit, and the token's expiry. */
  void subscription(RoutingContext ctx) {
    answer(ctx, (figures, options) -> {
      double amount = figures.unlimited() ? UNLIMITED_AMOUNT : amount(figures.remain() + figures.used(), options);
      return new JsonObject().put("object", "billing_subscription").put("has_payment_method", true)
          .put("soft_limit_usd", amount).put("hard_limit_usd", amount).put("system_hard_limit_usd", amount)
          .put("access_until", Math.max(0, figures.expiredTime()));
    });
  }

  /** {@code list} with {@code total_usage} in cents. */
  void usage(RoutingContext ctx) {
    answer(ctx, (figures, options) -> new JsonObject().put("object", "list")
        .put("total_usage", amount(figures.used(), options) * 100));
  }

  private record Figures(long remain, long used, boolean unlimited, long expiredTime) {
  }

  private interface Shape {
    JsonObject of(Figures figures, Options options);
  }

  private void answer(RoutingContext ctx, Shape shape) {
    byte[] ip = auth.clientIp(ctx);
    if (!limiter.tryAcquire(ip == null ? "unknown" : HexFormat.of().formatHex(ip))) {
      ErrorResponses.write(ctx.response(), ctx.get(RelayRoutes.REQUEST_ID), GatewayError.API_RATE_LIMITED, limit);
      return;
    }
    Caller caller = auth.callerOrReply(ctx, ip);
    if (caller == null) {
      return;
    }
    Options options = services.state().current().options();
    figures(caller, options.bool("DisplayTokenStatEnabled")).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("billing dashboard for token {}: {}", caller.token().id(), ar.cause().toString());
        ErrorResponses.write(ctx.response(), ctx.get(RelayRoutes.REQUEST_ID), GatewayError.BILLING_UNAVAILABLE);
        return;
      }
      ctx.response().putHeader("Content-Type", "application/json")
          .end(shape.of(ar.result(), options).toBuffer());
    });
  }

  /** The token's figures (DisplayTokenStatEnabled), else the owner's; an access token has no row: the owner's. */
  private Future<Figures> figures(Caller caller, boolean tokenStats) {
    if (tokenStats && caller.token().id() > 0) {
      return pg.preparedQuery(
              "SELECT remain_quota, used_quota, unlimited_quota, expired_time FROM tokens WHERE id = $1")
          .execute(Tuple.of(caller.token().id()))
          .map(rows -> {
            Row row = single(rows.iterator());
            return new Figures(row.getLong("remain_quota"), row.getLong("used_quota"),
                row.getBoolean("unlimited_quota"), row.getLong("expired_time"));
          });
    }
    return pg.preparedQuery("SELECT quota, used_quota FROM users WHERE id = $1")
        .execute(Tuple.of(caller.user().id()))
        .map(rows -> {
          Row row = single(rows.iterator());
          return new Figures(row.getLong("quota"), row.getLong("used_quota"), false, caller.token().expiredTime());
        });
  }

  private static Row single(java.util.Iterator<Row> rows) {
    if (!rows.hasNext()) {
      throw new IllegalStateException("row deleted since the snapshot");
    }
    return rows.next();
  }

  private static double amount(long quota, Options options) {
    if (!options.bool("DisplayInCurrencyEnabled")) {
      return quota;
    }
    double perUnit = options.doubleValue("QuotaPerUnit");
    return quota / (perUnit <= 0 ? 500_000.0 : perUnit);
  }
}
