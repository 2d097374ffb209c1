package io.onegate.gateway.api;

import io.onegate.common.options.Options;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * {@code GET /api/status}: One API's public site status (every field the SPA reads, from the options table) in
 * the envelope, plus {@code root_password_is_default} (and a warning message) while root still has the initial
 * password.
 */
public final class StatusHandler {
  public static final String VERSION = "v0.1.0";
  private final Pool pg;
  private final long startTime;

  public StatusHandler(Pool pg, Clock clock) {
    this.pg = pg;
    this.startTime = clock.instant().getEpochSecond();
  }

  public Future<Envelope.Reply> status() {
    Future<Boolean> rootDefault = pg.query("SELECT password_changed FROM users WHERE username = 'root'").execute()
        .map(rows -> rows.size() > 0 && !rows.iterator().next().getBoolean(0))
        .otherwise(false);
    return rootDefault.compose(isDefault -> Options.load(pg).otherwise(Options.defaults())
        .map(o -> new Envelope.Reply(isDefault
            ? "The root user still has the default password 123456: change it now." : "", data(o, isDefault))));
  }

  private JsonObject data(Options o, boolean rootDefault) {
    return new JsonObject()
        .put("version", VERSION)
        .put("start_time", startTime)
        .put("email_verification", o.bool("EmailVerificationEnabled"))
        .put("github_oauth", o.bool("GitHubOAuthEnabled"))
        .put("github_client_id", o.get("GitHubClientId"))
        .put("lark_client_id", o.get("LarkClientId"))
        .put("system_name", o.get("SystemName"))
        .put("logo", o.get("Logo"))
        .put("footer_html", o.get("Footer"))
        .put("wechat_qrcode", o.get("WeChatAccountQRCodeImageURL"))
        .put("wechat_login", o.bool("WeChatAuthEnabled"))
        .put("server_address", o.get("ServerAddress"))
        .put("turnstile_check", o.bool("TurnstileCheckEnabled"))
        .put("turnstile_site_key", o.get("TurnstileSiteKey"))
        .put("top_up_link", o.get("TopUpLink"))
        .put("chat_link", o.get("ChatLink"))
        .put("quota_per_unit", o.doubleValue("QuotaPerUnit"))
        .put("display_in_currency", o.bool("DisplayInCurrencyEnabled"))
        .put("oidc", o.bool("OidcEnabled"))
        .put("oidc_client_id", o.get("OidcClientId"))
        .put("oidc_well_known", o.get("OidcWellKnown"))
        .put("oidc_authorization_endpoint", o.get("OidcAuthorizationEndpoint"))
        .put("oidc_token_endpoint", o.get("OidcTokenEndpoint"))
        .put("oidc_userinfo_endpoint", o.get("OidcUserinfoEndpoint"))
        .put("password_login", o.bool("PasswordLoginEnabled"))
        .put("register_enabled", o.bool("RegisterEnabled") && o.bool("PasswordRegisterEnabled"))
        .put("root_password_is_default", rootDefault);
  }
}
