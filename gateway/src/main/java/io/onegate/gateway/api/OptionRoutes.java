package io.onegate.gateway.api;

import io.onegate.common.domain.ChangeNotice;
import io.onegate.common.options.OptionDefaults;
import io.onegate.common.options.Options;
import io.onegate.common.pricing.PriceTables;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET/PUT /api/option/} (root), as One API's settings pages use them. {@code GET} lists every option with
 * its value in effect: each JSON map ({@link PriceTables#KEYS}) as the JSON text of the map the relay prices with,
 * built-in defaults included. Keys ending in Token, Secret or SecretKey are never returned (One API left
 * {@code TurnstileSecretKey} out of that rule by accident; OneGate does not).
 *
 * <p>{@code PUT {key, value}}: only keys of {@link OptionDefaults}; values are checked by kind and a value that
 * would break the system ({@code QuotaPerUnit} &le; 0, a negative ratio, a map that is not JSON, a group ratio table
 * without a group users are in) is refused with a message, storing nothing. A value equal to the one in effect
 * (One API's pages send several unchanged values on save) changes nothing: no row, no log, no notice. The ratio
 * tables are stored as what differs from the built-in tables ({@link PriceTables#storedForm}).
 */
final class OptionRoutes {
  private static final Set<String> NON_NEGATIVE_INTEGERS = Set.of("QuotaForNewUser", "QuotaForInviter",
      "QuotaForInvitee", "QuotaRemindThreshold", "PreConsumedQuota", "RetryTimes");
  private static final Set<String> POSITIVE_NUMBERS = Set.of("QuotaPerUnit", "ChannelDisableThreshold");
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

  /** Write-only keys: ending in Token, Secret or SecretKey ({@code TurnstileSiteKey} is public, as One API has it). */
  static boolean secret(String key) {
    return key.endsWith("Token") || key.endsWith("Secret") || key.endsWith("SecretKey");
  }

  private Future<?> list(ApiCall call) {
    return api.options().map(options -> {
      JsonArray out = new JsonArray();
      new TreeMap<>(options.asMap()).forEach((k, v) -> {
        if (!secret(k)) {
          out.add(new JsonObject().put("key", k).put("value", shown(k, options)));
        }
      });
      return out;
    });
  }

  /** The value in effect as One API's pages read it (JSON maps as the text of the effective map). */
  static String shown(String key, Options options) {
    return PriceTables.KEYS.contains(key) ? PriceTables.effective(key, options).encode() : options.get(key);
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
    String stored = validate(key, value);
    Principal me = call.principal();
    return api.options().compose(options -> {
      if (unchanged(key, value, options)) {
        return Future.succeededFuture(new Envelope.Reply("unchanged", null));
      }
      return dependencies(key, value, options)
          .compose(v -> api.pg().withTransaction(conn -> conn.preparedQuery(
                  "INSERT INTO options (key, value) VALUES ($1, $2) "
                      + "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value").execute(Tuple.of(key, stored))
              .compose(x -> api.audit(conn, me, me.id(), me.username(), "set option " + key
                  + (secret(key) ? " (secret, value hidden)" : " = " + abbreviate(stored))))))
          .map(v -> {
            api.notice(ChangeNotice.Kind.OPTION, 0);
            return null;
          });
    });
  }

  /** One API's checks of toggles that need a setting, and groups in use kept in {@code GroupRatio}. */
  private Future<Void> dependencies(String key, String value, Options options) {
    if ("true".equals(value) && REQUIRES.containsKey(key) && options.get(REQUIRES.get(key)).isBlank()) {
      throw ApiException.badRequest("cannot enable " + key + ": set " + REQUIRES.get(key) + " first");
    }
    if (!PriceTables.GROUP_RATIO.equals(key)) {
      return Future.succeededFuture();
    }
    Set<String> groups = PriceTables.groupRatios(Options.of(Map.of(key, value))).keySet();
    return api.pg().query("SELECT DISTINCT \"group\" FROM users WHERE status <> 3 ORDER BY 1").execute()
        .map(rows -> {
          List<String> missing = new ArrayList<>();
          rows.forEach(r -> {
            if (!groups.contains(r.getString(0))) {
              missing.add(r.getString(0));
            }
          });
          if (!missing.isEmpty()) {
            throw ApiException.badRequest("GroupRatio must keep the groups users are in (their requests would have "
                + "no price): missing " + String.join(", ", missing));
          }
          return null;
        });
  }

  /** True when {@code value} is what {@code key} already is in effect (maps and numbers compared by value). */
  static boolean unchanged(String key, String value, Options options) {
    if (PriceTables.KEYS.contains(key)) {
      return PriceTables.effective(key, Options.of(Map.of(key, value))).equals(PriceTables.effective(key, options));
    }
    String current = options.get(key);
    if (NON_NEGATIVE_INTEGERS.contains(key) || POSITIVE_NUMBERS.contains(key) || key.equals("SMTPPort")) {
      try {
        return new BigDecimal(value.trim()).compareTo(new BigDecimal(current.trim())) == 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return value.equals(current);
  }

  /**
   * Checks {@code value} for {@code key}; returns what to store.
   *
   * @throws ApiException a refusal naming the problem
   */
  static String validate(String key, String value) {
    if (!OptionDefaults.ALL.containsKey(key)) {
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
    } else if (POSITIVE_NUMBERS.contains(key)) {
      try {
        double d = Double.parseDouble(value.trim());
        if (!(d > 0) || Double.isInfinite(d)) {
          throw ApiException.badRequest(key + " must be a positive number");
        }
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(key + " must be a positive number");
      }
    } else if (PriceTables.KEYS.contains(key)) {
      try {
        return PriceTables.storedForm(key, PriceTables.parse(key, value));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage());
      }
    }
    return value;
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
