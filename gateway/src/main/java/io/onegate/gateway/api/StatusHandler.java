package io.onegate.gateway.api;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * {@code GET /api/status}: One API's public site status in the {@code {success,message,data}} envelope, plus
 * {@code root_password_is_default} (and a warning message) while root still has the initial password.
 */
public final class StatusHandler implements Handler<RoutingContext> {
  public static final String VERSION = "v0.1.0";
  private final Pool pg;
  private final long startTime;

  public StatusHandler(Pool pg, Clock clock) {
    this.pg = pg;
    this.startTime = clock.instant().getEpochSecond();
  }

  @Override
  public void handle(RoutingContext ctx) {
    pg.query("SELECT password_changed FROM users WHERE username = 'root'").execute()
        .map(rows -> rows.size() > 0 && !rows.iterator().next().getBoolean(0))
        .otherwise(false)
        .onSuccess(rootDefault -> {
          JsonObject data = new JsonObject()
              .put("version", VERSION)
              .put("start_time", startTime)
              .put("system_name", "OneGate")
              .put("quota_per_unit", 500000)
              .put("display_in_currency", true)
              .put("root_password_is_default", rootDefault);
          JsonObject body = new JsonObject().put("success", true)
              .put("message", rootDefault ? "The root user still has the default password 123456: change it now."
                  : "")
              .put("data", data);
          ctx.response().putHeader("content-type", "application/json").end(body.encode());
        });
  }
}
