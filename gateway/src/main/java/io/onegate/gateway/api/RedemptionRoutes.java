package io.onegate.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Redemption codes ({@code /api/redemption/...}, admin): 32-hex keys, created 1-100 at a time. */
final class RedemptionRoutes {
  private static final String COLUMNS = "id, user_id, key, status, name, quota, created_time, redeemed_time";
  private final ApiContext api;

  RedemptionRoutes(ApiContext api) {
    this.api = api;
  }

  void mount(ApiRouter r) {
    r.get("/api/redemption/", Roles.ADMIN, this::list);
    r.get("/api/redemption/search", Roles.ADMIN, this::search);
    r.get("/api/redemption/:id", Roles.ADMIN, this::get);
    r.post("/api/redemption/", Roles.ADMIN, this::create);
    r.put("/api/redemption/", Roles.ADMIN, this::update);
    r.delete("/api/redemption/:id", Roles.ADMIN, this::delete);
  }

  private Future<?> list(ApiCall call) {
    return api.pg().preparedQuery("SELECT " + COLUMNS + " FROM redemptions ORDER BY id DESC LIMIT 10 OFFSET $1")
        .execute(Tuple.of(call.offset())).map(RedemptionRoutes::rows);
  }

  private Future<?> search(ApiCall call) {
    String keyword = call.query("keyword");
    if (keyword.length() > 64) {
      throw ApiException.badRequest("keyword is too long");
    }
    int id = keyword.matches("\\d{1,9}") ? Integer.parseInt(keyword) : -1;
    return api.pg().preparedQuery("SELECT " + COLUMNS + " FROM redemptions WHERE id = $1 OR name LIKE $2 "
            + "ORDER BY id DESC LIMIT 100")
        .execute(Tuple.of(id, ApiCall.likePrefix(keyword))).map(RedemptionRoutes::rows);
  }

  private Future<?> get(ApiCall call) {
    int id = call.id("id");
    return api.pg().preparedQuery("SELECT " + COLUMNS + " FROM redemptions WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiException.notFound("redemption #" + id + " does not exist");
          }
          return json(rows.iterator().next());
        });
  }

  private Future<?> create(ApiCall call) {
    Body body = call.body();
    Principal me = call.principal();
    String name = validName(body.requiredString("name", 64).trim());
    long quota = body.integer("quota", 1, 1_000_000_000_000_000L).orElse(100L);
    int count = (int) body.requiredInteger("count", 1, 100);
    List<String> keys = new ArrayList<>();
    List<Tuple> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String key = TokenKeys.hex(api.random(), 32);
      keys.add(key);
      batch.add(Tuple.of(me.id(), key, name, quota, api.now()));
    }
    return api.pg().withTransaction(conn -> conn.preparedQuery("INSERT INTO redemptions (user_id, key, status, "
                + "name, quota, created_time) VALUES ($1, $2, 1, $3, $4, $5)").executeBatch(batch)
            .compose(v -> api.audit(conn, me, me.id(), me.username(), "created " + count + " redemption codes '" + name
                + "' of " + quota)))
        .map(v -> new JsonArray(keys));
  }

  /** {@code PUT /api/redemption/[?status_only=1]}: name and quota, or only the status (1 enabled, 2 disabled). */
  private Future<?> update(ApiCall call) {
    Body body = call.body();
    Principal me = call.principal();
    int id = (int) body.requiredInteger("id", 1, Integer.MAX_VALUE);
    boolean statusOnly = !call.query("status_only").isEmpty() && !"0".equals(call.query("status_only"));
    Optional<Long> status = body.integer("status", 1, 2);
    Optional<String> name = statusOnly ? Optional.empty()
        : body.string("name", 64).map(String::trim).map(RedemptionRoutes::validName);
    Optional<Long> quota = statusOnly ? Optional.empty() : body.integer("quota", 1, 1_000_000_000_000_000L);
    if (statusOnly && status.isEmpty()) {
      throw ApiException.badRequest("status is required with status_only (1 enabled, 2 disabled)");
    }
    return api.pg().withTransaction(conn -> conn.preparedQuery("SELECT status FROM redemptions WHERE id = $1 "
                + "FOR UPDATE").execute(Tuple.of(id))
            .compose(rows -> {
              if (rows.size() == 0) {
                throw ApiException.notFound("redemption #" + id + " does not exist");
              }
              if (rows.iterator().next().getInteger(0) == 3) {
                throw ApiException.badRequest("this code has already been used and cannot be changed");
              }
              return conn.preparedQuery("UPDATE redemptions SET status = COALESCE($2, status), "
                      + "name = COALESCE($3, name), quota = COALESCE($4, quota) WHERE id = $1 RETURNING " + COLUMNS)
                  .execute(Tuple.of(id, status.map(Long::intValue).orElse(null), name.orElse(null),
                      quota.orElse(null)));
            })
            .compose(rows -> api.audit(conn, me, me.id(), me.username(), "updated redemption #" + id)
                .map(json(rows.iterator().next()))));
  }

  private Future<?> delete(ApiCall call) {
    int id = call.id("id");
    Principal me = call.principal();
    return api.pg().withTransaction(conn -> conn.preparedQuery("DELETE FROM redemptions WHERE id = $1")
        .execute(Tuple.of(id))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            throw ApiException.notFound("redemption #" + id + " does not exist");
          }
          return api.audit(conn, me, me.id(), me.username(), "deleted redemption #" + id);
        })).map(v -> null);
  }

  private static String validName(String name) {
    if (name.isEmpty() || name.length() > 20) {
      throw ApiException.badRequest("name must be 1 to 20 characters");
    }
    return name;
  }

  private static JsonArray rows(RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    rows.forEach(r -> out.add(json(r)));
    return out;
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getInteger("id"))
        .put("user_id", r.getInteger("user_id"))
        .put("key", r.getString("key").trim())
        .put("status", r.getInteger("status"))
        .put("name", r.getString("name"))
        .put("quota", r.getLong("quota"))
        .put("created_time", r.getLong("created_time"))
        .put("redeemed_time", r.getLong("redeemed_time"));
  }
}
