package io.onegate.gateway.api;

import io.onegate.common.domain.ChangeNotice;
import io.onegate.common.options.OptionDefaults;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET/PUT /api/option/} (root). Keys ending in Token, Secret or Key are never returned (One API left
 * {@code TurnstileSecretKey} out of that rule by accident; OneGate does not). Only known keys
 * ({@link OptionDefaults}) are accepted and their values are checked by kind: {@code *Enabled} booleans, integer
 * and number settings, and JSON ratio tables.
 */
final class OptionRoutes {
  private static final Set<String> NON_NEGATIVE_INTEGERS = Set.of("QuotaForNewUser", "QuotaForInviter",
      "QuotaForInvitee", "QuotaRemindThreshold", "PreConsumedQuota", "RetryTimes");
  private static final Set<String> JSON_RATIOS = Set.of("ModelRatio", "GroupRatio", "CompletionRatio");
  /** One API keys without a OneGate default (integrations); accepted so One API scripts keep working. */
  static final Set<String> EXTRA_KEYS = Set.of("GitHubClientId", "GitHubClientSecret", "LarkClientId",
      "LarkClientSecret", "OidcClientId", "OidcClientSecret", "OidcWellKnown", "OidcAuthorizationEndpoint",
      "OidcTokenEndpoint", "OidcUserinfoEndpoint", "WeChatServerAddress", "WeChatServerToken",
      "WeChatAccountQRCodeImageURL", "TurnstileSiteKey", "TurnstileSecretKey");
  /** Toggles that need another option set first (One API's checks): toggle -> required key. */
  private static final Map<String, String> REQUIRES = Map.of("GitHubOAuthEnabled", "GitHubClientId",
      "WeChatAuthEnabled", "WeChatServerAddress", "TurnstileCheckEnabled", "TurnstileSiteKey",
      "EmailDomainRestrictionEnabled", "EmailDomainWhitelist", "OidcEnabled", "OidcClientId");
  private static final int MAX_VALUE = 1 << 20;
  private final ApiContext api;

  OptionRoutes(ApiContext api) {
    this.api = api;
  }

  void mount(ApiRouter r) {
    r.get("/api/option/", Roles.ROOT, this::list);
    r.put("/api/option/", Roles.ROOT, this::update);
  }

  static boolean secret(String key) {
    return key.endsWith("Token") || key.endsWith("Secret") || key.endsWith("Key");
  }

  private Future<?> list(ApiCall call) {
    return api.options().map(options -> {
      JsonArray out = new JsonArray();
      new TreeMap<>(options.asMap()).forEach((k, v) -> {
        if (!secret(k)) {
          out.add(new JsonObject().put("key", k).put("value", v));
        }
      });
      return out;
    });
  }

  private Future<?> update(ApiCall call) {
    Body body = call.body();
    String key = body.requiredString("key", 255).trim();
    Object raw = body.raw("value");
    String value;
    if (raw instanceof String s) {
      value = s;
    } else if (raw instanceof Boolean || raw instanceof Number) {
      value = String.valueOf(raw);
    } else if (raw == null) {
      throw ApiException.badRequest("value is required");
    } else {
      throw ApiException.badRequest("value must be a string, a number or a boolean");
    }
    validate(key, value);
    Principal me = call.principal();
    Future<Void> dependencies = !"true".equals(value) || !REQUIRES.containsKey(key) ? Future.succeededFuture()
        : api.options().map(options -> {
          if (options.get(REQUIRES.get(key)).isBlank()) {
            throw ApiException.badRequest("cannot enable " + key + ": set " + REQUIRES.get(key) + " first");
          }
          return null;
        });
    return dependencies.compose(d -> api.pg().withTransaction(conn -> conn.preparedQuery(
                "INSERT INTO options (key, value) VALUES ($1, $2) "
                + "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value").execute(Tuple.of(key, value))
            .compose(v -> api.audit(conn, me, me.id(), me.username(), "set option " + key
                + (secret(key) ? " (secret, value hidden)" : " = " + abbreviate(value)))))
        .map(v -> {
          api.notice(ChangeNotice.Kind.OPTION, 0);
          return null;
        }));
  }

  static void validate(String key, String value) {
    if (!OptionDefaults.ALL.containsKey(key) && !EXTRA_KEYS.contains(key)) {
      throw ApiException.badRequest("unknown option key: " + abbreviate(key));
    }
    if (value.length() > MAX_VALUE) {
      throw ApiException.badRequest("value is too long");
    }
    if (key.endsWith("Enabled")) {
      if (!value.equals("true") && !value.equals("false")) {
        throw ApiException.badRequest(key + " must be true or false");
      }
    } else if (NON_NEGATIVE_INTEGERS.contains(key)) {
      integer(key, value, 0, Long.MAX_VALUE / 4);
    } else if (key.equals("SMTPPort")) {
      integer(key, value, 1, 65535);
    } else if (key.equals("QuotaPerUnit") || key.equals("ChannelDisableThreshold")) {
      try {
        double d = Double.parseDouble(value.trim());
        if (!(d > 0) || Double.isInfinite(d)) {
          throw ApiException.badRequest(key + " must be a positive number");
        }
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(key + " must be a positive number");
      }
    } else if (JSON_RATIOS.contains(key) && !value.isBlank()) {
      Map<String, Object> map;
      try {
        map = new JsonObject(value).getMap();
      } catch (DecodeException | ClassCastException e) {
        throw ApiException.badRequest(key + " must be a JSON object of name -> number");
      }
      map.forEach((k, v) -> {
        if (!(v instanceof Number n) || n.doubleValue() < 0) {
          throw ApiException.badRequest(key + " must map names to non-negative numbers (bad entry: "
              + abbreviate(k) + ")");
        }
      });
    } else if (key.equals("ModelPrice") && !value.isBlank()) {
      try {
        new JsonObject(value);
      } catch (DecodeException | ClassCastException e) {
        throw ApiException.badRequest(key + " must be a JSON object");
      }
    }
  }

  private static void integer(String key, String value, long min, long max) {
    try {
      long v = Long.parseLong(value.trim());
      if (v < min || v > max) {
        throw ApiException.badRequest(key + " must be between " + min + " and " + max);
      }
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(key + " must be an integer");
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
