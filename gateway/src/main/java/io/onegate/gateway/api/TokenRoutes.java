package io.onegate.gateway.api;

import io.onegate.common.domain.ChangeNotice;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The caller's own relay tokens ({@code /api/token/...}): One API's key format, the owner sees full keys (stored
 * as digest and sealed form, {@link ApiContext#store}), and every change publishes a TOKEN change notice so the
 * relay's in-memory key index follows at once.
 */
final class TokenRoutes {
  private static final String COLUMNS = "id, user_id, key, key_sealed, status, name, created_time, accessed_time, "
      + "expired_time, remain_quota, unlimited_quota, used_quota, models, subnet";
  private static final Map<String, String> ORDERS = Map.of(
      "remain_quota", "remain_quota DESC, id DESC", "used_quota", "used_quota DESC, id DESC");
  private static final int MAX_TOKENS_PER_USER = 1000;
  private final ApiContext api;

  TokenRoutes(ApiContext api) {
    this.api = api;
  }

  void mount(ApiRouter r) {
    r.get("/api/token/", Roles.COMMON, this::list);
    r.get("/api/token/search", Roles.COMMON, this::search);
    r.get("/api/token/:id", Roles.COMMON, this::get);
    r.post("/api/token/", Roles.COMMON, this::create);
    r.put("/api/token/", Roles.COMMON, this::update);
    r.delete("/api/token/:id", Roles.COMMON, this::delete);
  }

  private Future<?> list(ApiCall call) {
    String order = ORDERS.getOrDefault(call.query("order"), "id DESC");
    return api.pg().preparedQuery("SELECT " + COLUMNS + " FROM tokens WHERE user_id = $1 ORDER BY " + order
            + " LIMIT 10 OFFSET $2")
        .execute(Tuple.of(call.principal().id(), call.offset())).map(this::rows);
  }

  private Future<?> search(ApiCall call) {
    String keyword = call.query("keyword");
    if (keyword.length() > 64) {
      throw ApiException.badRequest("keyword is too long");
    }
    return api.pg().preparedQuery("SELECT " + COLUMNS + " FROM tokens WHERE user_id = $1 AND name LIKE $2 "
            + "ORDER BY id DESC LIMIT 100")
        .execute(Tuple.of(call.principal().id(), ApiCall.likePrefix(keyword))).map(this::rows);
  }

  private Future<?> get(ApiCall call) {
    return load(call.principal(), call.id("id")).map(this::json);
  }

  private Future<Row> load(Principal me, int id) {
    return api.pg().preparedQuery("SELECT " + COLUMNS + " FROM tokens WHERE id = $1 AND user_id = $2")
        .execute(Tuple.of(id, me.id()))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiException.notFound("token #" + id + " does not exist");
          }
          return rows.iterator().next();
        });
  }

  private Future<?> create(ApiCall call) {
    Body body = call.body();
    Principal me = call.principal();
    String name = validName(body.requiredString("name", 64).trim());
    long expired = validExpiry(body.integer("expired_time", -1, 253_402_300_799L).orElse(-1L));
    long remain = body.integer("remain_quota", 0, Long.MAX_VALUE / 4).orElse(0L);
    boolean unlimited = body.bool("unlimited_quota").orElse(false);
    String models = validModels(body.string("models", 1 << 16).orElse(""));
    String subnet = validSubnets(body.string("subnet", 4096).orElse(""));
    String key = TokenKeys.relayKey(api.random());
    ApiContext.StoredSecret stored = api.store(key);
    long now = api.now();
    return api.pg().preparedQuery("SELECT count(*) FROM tokens WHERE user_id = $1").execute(Tuple.of(me.id()))
        .compose(rows -> {
          if (rows.iterator().next().getLong(0) >= MAX_TOKENS_PER_USER) {
            throw ApiException.badRequest("at most " + MAX_TOKENS_PER_USER + " tokens per user");
          }
          return api.pg().preparedQuery("INSERT INTO tokens (user_id, key, key_digest, key_sealed, status, name, "
                  + "created_time, accessed_time, expired_time, remain_quota, unlimited_quota, models, subnet) VALUES "
                  + "($1, $2, $3, $4, 1, $5, $6, $6, $7, $8, $9, $10, $11) RETURNING " + COLUMNS)
              .execute(Tuple.from(new Object[] {me.id(), stored.placeholder(), stored.digest(), stored.sealed(), name,
                  now, expired, remain, unlimited, models, subnet}));
        })
        .map(rows -> {
          Row row = rows.iterator().next();
          api.notice(ChangeNotice.Kind.TOKEN, row.getInteger("id"));
          return json(row);
        });
  }

  /**
   * {@code PUT /api/token/[?status_only=1]}: refuses to switch on a token that is expired or exhausted until its
   * expiry or quota is fixed (in the same request for a full update). A full update echoing the current status
   * (One API's edit page sends the whole token back) is not a switch.
   */
  private Future<?> update(ApiCall call) {
    Body body = call.body();
    Principal me = call.principal();
    int id = (int) body.requiredInteger("id", 1, Integer.MAX_VALUE);
    boolean statusOnly = !call.query("status_only").isEmpty() && !"0".equals(call.query("status_only"))
        && !"false".equals(call.query("status_only"));
    Optional<Long> status = body.integer("status", 1, 4);
    Optional<String> name = statusOnly ? Optional.empty() : body.string("name", 64).map(String::trim)
        .map(TokenRoutes::validName);
    Optional<Long> expired = statusOnly ? Optional.empty() : body.integer("expired_time", -1, 253_402_300_799L)
        .map(TokenRoutes::validExpiry);
    Optional<Long> remain = statusOnly ? Optional.empty() : body.integer("remain_quota", 0, Long.MAX_VALUE / 4);
    Optional<Boolean> unlimited = statusOnly ? Optional.empty() : body.bool("unlimited_quota");
    Optional<String> models = statusOnly ? Optional.empty() : body.string("models", 1 << 16)
        .map(TokenRoutes::validModels);
    Optional<String> subnet = statusOnly ? Optional.empty() : body.string("subnet", 4096)
        .map(TokenRoutes::validSubnets);
    if (statusOnly && status.isEmpty()) {
      throw ApiException.badRequest("status is required with status_only");
    }
    long now = api.now();
    return api.pg().withTransaction(conn -> conn.preparedQuery("SELECT " + COLUMNS + " FROM tokens WHERE id = $1 "
                + "AND user_id = $2 FOR UPDATE").execute(Tuple.of(id, me.id()))
            .compose(rows -> {
              if (rows.size() == 0) {
                throw ApiException.notFound("token #" + id + " does not exist");
              }
              Row old = rows.iterator().next();
              int newStatus = status.map(Long::intValue).orElse(old.getInteger("status"));
              long newExpiry = expired.orElse(old.getLong("expired_time"));
              long newRemain = remain.orElse(old.getLong("remain_quota"));
              boolean newUnlimited = unlimited.orElse(old.getBoolean("unlimited_quota"));
              if (newStatus == 1 && old.getInteger("status") != 1) { // switching it on (One API's rule)
                if (newExpiry != -1 && newExpiry <= now) {
                  throw ApiException.badRequest("令牌已过期，无法启用，请先修改令牌过期时间，或者设置为永不过期 (the token "
                      + "has expired: change its expiry first)");
                }
                if (!newUnlimited && newRemain <= 0) {
                  throw ApiException.badRequest("令牌可用额度已用尽，无法启用，请先修改令牌剩余额度，或者设置为无限额度 (the "
                      + "token's quota is used up: raise it first)");
                }
              }
              return conn.preparedQuery("UPDATE tokens SET status = $2, name = COALESCE($3, name), expired_time = $4, "
                      + "remain_quota = $5, unlimited_quota = $6, models = COALESCE($7, models), "
                      + "subnet = COALESCE($8, subnet), version = version + 1, quota_version = quota_version + "
                      + "CASE WHEN remain_quota = $5 AND unlimited_quota = $6 THEN 0 ELSE 1 END, "
                      // an absolute set: usage admitted before it is not taken off the new value (docs/billing.md)
                      + "quota_generation = quota_generation + "
                      + "CASE WHEN remain_quota = $5 AND unlimited_quota = $6 THEN 0 ELSE 1 END WHERE id = $1 "
                      + "RETURNING " + COLUMNS + ", quota_version, quota_generation")
                  .execute(Tuple.from(new Object[] {id, newStatus, name.orElse(null), newExpiry, newRemain,
                      newUnlimited, models.orElse(null), subnet.orElse(null)}));
            }))
        .map(rows -> {
          if (remain.isPresent() || unlimited.isPresent()) {
            Row t = rows.iterator().next();
            api.tokenQuotaChanged(id, t.getLong("remain_quota"), t.getLong("quota_version"),
                t.getLong("quota_generation"), t.getBoolean("unlimited_quota"));
          }
          api.notice(ChangeNotice.Kind.TOKEN, id);
          return json(rows.iterator().next());
        });
  }

  private Future<?> delete(ApiCall call) {
    int id = call.id("id");
    return api.pg().preparedQuery("DELETE FROM tokens WHERE id = $1 AND user_id = $2")
        .execute(Tuple.of(id, call.principal().id()))
        .map(rows -> {
          if (rows.rowCount() == 0) {
            throw ApiException.notFound("token #" + id + " does not exist");
          }
          api.notice(ChangeNotice.Kind.TOKEN, id);
          return null;
        });
  }

  private static String validName(String name) {
    if (name.length() > 30) {
      throw ApiException.badRequest("令牌名称过长 (name is at most 30 characters)");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest("name may not contain control characters");
    }
    return name;
  }

  private static long validExpiry(long expiry) {
    if (expiry == 0 || expiry < -1) {
      throw ApiException.badRequest("expired_time must be -1 (never) or a Unix timestamp");
    }
    return expiry;
  }

  /** Comma-separated model names: trimmed, de-duplicated, each 1-255 characters without control characters. */
  static String validModels(String csv) {
    List<String> models = List.copyOf(new LinkedHashSet<>(Arrays.stream(csv.split(",")).map(String::trim)
        .filter(s -> !s.isEmpty()).toList()));
    for (String m : models) {
      if (m.length() > 255 || m.chars().anyMatch(Character::isISOControl)) {
        throw ApiException.badRequest("invalid model name in models: at most 255 characters, no control characters");
      }
    }
    return String.join(",", models);
  }

  /** Comma-separated CIDRs (IPv4 or IPv6, prefix within the address length); a bare address means /32 or /128. */
  static String validSubnets(String csv) {
    List<String> out = new java.util.ArrayList<>();
    for (String raw : csv.split(",")) {
      String cidr = raw.trim();
      if (cidr.isEmpty()) {
        continue;
      }
      String[] parts = cidr.split("/", -1);
      boolean v4 = parts[0].matches("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
      boolean v6 = parts[0].contains(":") && parts[0].matches("[0-9a-fA-F:.]+");
      if (parts.length > 2 || !(v4 || v6)) {
        throw ApiException.badRequest("invalid subnet: " + abbreviate(cidr));
      }
      int bits;
      try { // literal addresses only (checked above): no name lookup
        bits = InetAddress.getByName(parts[0]).getAddress().length * 8;
      } catch (UnknownHostException | SecurityException e) {
        throw ApiException.badRequest("invalid subnet: " + abbreviate(cidr));
      }
      if (parts.length == 2) {
        try {
          int prefix = Integer.parseInt(parts[1]);
          if (prefix < 0 || prefix > bits) {
            throw ApiException.badRequest("invalid subnet prefix length: " + abbreviate(cidr));
          }
        } catch (NumberFormatException e) {
          throw ApiException.badRequest("invalid subnet prefix length: " + abbreviate(cidr));
        }
      }
      out.add(cidr);
    }
    return String.join(",", out);
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  private JsonArray rows(RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    rows.forEach(r -> out.add(json(r)));
    return out;
  }

  /** One API's token object; {@code key} in clear for its owner (as One API's list and get show it). */
  private JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getInteger("id"))
        .put("user_id", r.getInteger("user_id"))
        .put("key", api.reveal(r.getString("key_sealed"), r.getString("key")))
        .put("status", r.getInteger("status"))
        .put("name", r.getString("name"))
        .put("created_time", r.getLong("created_time"))
        .put("accessed_time", r.getLong("accessed_time"))
        .put("expired_time", r.getLong("expired_time"))
        .put("remain_quota", r.getLong("remain_quota"))
        .put("unlimited_quota", r.getBoolean("unlimited_quota"))
        .put("used_quota", r.getLong("used_quota"))
        .put("models", r.getString("models") == null ? "" : r.getString("models"))
        .put("subnet", r.getString("subnet") == null ? "" : r.getString("subnet"));
  }
}
