package io.onegate.gateway.api;

import io.onegate.common.domain.ChangeNotice;
import io.onegate.common.domain.Secrets;
import io.onegate.common.pricing.PriceBook;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Channel administration ({@code /api/channel/...}, admin). Keys are stored encrypted ({@code KeyCipher}) and
 * never returned: list and get carry {@code key_masked} instead; root alone reads a key through
 * {@code GET /api/channel/:id/key} (audited). Abilities (group × model) are rebuilt in the channel's transaction.
 * The writes ({@link #create}, {@link #update}, {@link #delete}) take One API's request shape; the AI Proxy admin API
 * ({@code api.aiproxy}) translates its own shape to it, so channels have one write path.
 */
public final class ChannelRoutes {
  private static final String COLUMNS = "id, type, key, status, name, weight, created_time, test_time, "
      + "response_time, base_url, other, balance, balance_updated_time, models, \"group\", used_quota, model_mapping, "
      + "priority, config, system_prompt";
  private static final int MAX_BATCH = 1000;
  /** One API's Proxy type (43) needs no model list. */
  private static final long PROXY_TYPE = 43;
  private final ApiContext api;
  private final ModelCatalog catalog;
  private final ChannelTester tester;
  private final BalanceRefresher balances;

  public ChannelRoutes(ApiContext api, ModelCatalog catalog, ChannelTester tester, BalanceRefresher balances) {
    this.api = api;
    this.catalog = catalog;
    this.tester = tester;
    this.balances = balances;
  }

  public void mount(ApiRouter r) {
    r.get("/api/channel/", Roles.ADMIN, this::list);
    r.get("/api/channel/search", Roles.ADMIN, this::search);
    r.get("/api/channel/models", Roles.ADMIN, this::catalogue);
    r.stateChangingGet("/api/channel/test", Roles.ADMIN, call -> tester.testAll().map(v -> null));
    r.stateChangingGet("/api/channel/test/:id", Roles.ADMIN, this::test);
    r.stateChangingGet("/api/channel/update_balance", Roles.ADMIN, call -> balances.refreshAll().map(v -> null));
    r.stateChangingGet("/api/channel/update_balance/:id", Roles.ADMIN, this::updateBalance);
    r.get("/api/channel/:id/key", Roles.ROOT, this::revealKey);
    r.post("/api/channel/rekey", Roles.ROOT, this::rekey);
    r.post("/api/channel/unpriced", Roles.ADMIN, this::unpriced);
    r.get("/api/channel/:id", Roles.ADMIN, this::get);
    r.post("/api/channel/", Roles.ADMIN, call -> create(call.body(), call.principal()));
    r.put("/api/channel/", Roles.ADMIN, call -> update(call.body(), call.principal()));
    r.delete("/api/channel/disabled", Roles.ADMIN, this::deleteDisabled);
    r.delete("/api/channel/:id", Roles.ADMIN, call -> delete(call.id("id"), call.principal()));
    r.get("/api/models", Roles.COMMON, call -> {
      JsonObject out = new JsonObject();
      catalog.byType().forEach((type, models) -> out.put(String.valueOf(type), new JsonArray(models)));
      return Future.succeededFuture(out);
    });
  }

  private Future<?> list(ApiCall call) {
    return api.pg().preparedQuery("SELECT " + COLUMNS + " FROM channels ORDER BY id DESC LIMIT 10 OFFSET $1")
        .execute(Tuple.of(call.offset())).map(this::rows);
  }

  private Future<?> search(ApiCall call) {
    String keyword = call.query("keyword");
    if (keyword.length() > 128) {
      throw ApiException.badRequest("keyword is too long");
    }
    int id = keyword.matches("\\d{1,9}") ? Integer.parseInt(keyword) : -1;
    return api.pg().preparedQuery("SELECT " + COLUMNS + " FROM channels WHERE id = $1 OR name LIKE $2 "
            + "ORDER BY id DESC LIMIT 100")
        .execute(Tuple.of(id, ApiCall.likePrefix(keyword))).map(this::rows);
  }

  private Future<?> catalogue(ApiCall call) {
    JsonArray data = new JsonArray();
    catalog.owners().forEach((model, type) -> data.add(new JsonObject().put("id", model).put("object", "model")
        .put("created", 1626777600).put("owned_by", "type-" + type)));
    return Future.succeededFuture(new Envelope.Raw(new JsonObject().put("success", true).put("message", "")
        .put("object", "list").put("data", data)));
  }

  private Future<?> get(ApiCall call) {
    return load(call.id("id")).map(this::json);
  }

  /** The channel row (every column of One API's channel), or a not-found refusal. */
  public Future<Row> load(int id) {
    return api.pg().preparedQuery("SELECT " + COLUMNS + " FROM channels WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiException.notFound("channel #" + id + " does not exist");
          }
          return rows.iterator().next();
        });
  }

  private Future<?> revealKey(ApiCall call) {
    int id = call.id("id");
    return load(id).compose(row -> api.audit(api.pg(), call.principal(), call.principal().id(),
            call.principal().username(), "read the key of channel #" + id)
        .map(v -> new JsonObject().put("id", id).put("key", plainKey(row))));
  }

  /**
   * {@code POST /api/channel/rekey {old_secret}} (root): after every process was restarted with a new
   * {@code CRYPTO_SECRET}, re-encrypts each key the current secret cannot read with it, after decrypting it with
   * {@code old_secret}; plaintext keys (a database taken over from One API) are encrypted too. Relay keys and access
   * tokens are re-sealed and re-digested the same way ({@link SecretsAtRest#rekey}). One transaction; answers how
   * many secrets were re-encrypted.
   */
  private Future<?> rekey(ApiCall call) {
    String oldSecret = call.body().requiredString("old_secret", 1024);
    io.onegate.common.crypto.KeyCipher old = new io.onegate.common.crypto.KeyCipher(oldSecret);
    io.onegate.common.crypto.TokenVault oldVault = new io.onegate.common.crypto.TokenVault(oldSecret);
    Principal me = call.principal();
    return api.pg().withTransaction(conn -> conn.query("SELECT id, key FROM channels ORDER BY id FOR UPDATE")
            .execute()
            .compose(rows -> {
              List<Tuple> updates = new ArrayList<>();
              List<Integer> unreadable = new ArrayList<>();
              for (Row row : rows) {
                String stored = row.getString("key");
                String plain = null;
                if (!io.onegate.common.crypto.KeyCipher.isEncrypted(stored)) {
                  plain = stored;
                } else if (!api.cipher().canDecrypt(stored)) {
                  if (old.canDecrypt(stored)) {
                    plain = old.decrypt(stored);
                  } else {
                    unreadable.add(row.getInteger("id"));
                  }
                }
                if (plain != null) {
                  updates.add(Tuple.of(row.getInteger("id"), api.cipher().encrypt(plain)));
                }
              }
              if (!unreadable.isEmpty()) {
                throw ApiException.badRequest("the keys of channels " + unreadable + " cannot be read with the "
                    + "current CRYPTO_SECRET nor with old_secret: nothing was changed");
              }
              Future<?> write = updates.isEmpty() ? Future.succeededFuture()
                  : conn.preparedQuery("UPDATE channels SET key = $2 WHERE id = $1").executeBatch(updates);
              return write.compose(v -> new SecretsAtRest(api.vertx(), api.pg(), api.vault()).rekey(conn, oldVault))
                  .compose(bearers -> api.audit(conn, me, me.id(), me.username(), "re-encrypted "
                      + updates.size() + " channel keys and " + bearers + " relay keys and access tokens")
                      .map(updates.size() + bearers));
            }))
        .map(count -> {
          api.notice(ChangeNotice.Kind.CHANNEL, 0); // id 0: every gateway reloads its whole snapshot (tokens too)
          return count;
        });
  }

  private Future<?> test(ApiCall call) {
    int id = call.id("id");
    Optional<String> model = Optional.of(call.query("model")).filter(s -> !s.isEmpty());
    return load(id).compose(row -> tester.test(id, model))
        .map(result -> new Envelope.Raw(new JsonObject().put("success", result.success())
            .put("message", result.message()).put("time", result.timeSeconds())
            .put("modelName", result.modelName())));
  }

  private Future<?> updateBalance(ApiCall call) {
    int id = call.id("id");
    return load(id).compose(row -> balances.refresh(id))
        .map(balance -> new Envelope.Raw(new JsonObject().put("success", true).put("message", "")
            .put("balance", balance)));
  }

  /**
   * {@code POST /api/channel/}: one channel per non-empty line of {@code key}, all in one transaction; answers
   * {@code {"ids": […]}}.
   */
  public Future<JsonObject> create(Body body, Principal me) {
    Fields f = Fields.read(body, true);
    List<String> keys = Arrays.stream(body.requiredString("key", 1 << 20).split("\n")).map(String::trim)
        .filter(s -> !s.isEmpty()).toList();
    if (keys.isEmpty()) {
      throw ApiException.badRequest("key is required");
    }
    if (keys.size() > MAX_BATCH) {
      throw ApiException.badRequest("at most " + MAX_BATCH + " keys (one channel per line) in one request");
    }
    if (keys.stream().anyMatch(k -> k.length() > 8192)) {
      throw ApiException.badRequest("a key line is too long (at most 8192 characters)");
    }
    List<Integer> ids = new ArrayList<>();
    return api.pg().withTransaction(conn -> {
      Future<Void> chain = Future.succeededFuture();
      for (String key : keys) {
        chain = chain.compose(v -> conn.preparedQuery("INSERT INTO channels (type, key, status, name, weight, "
                    + "created_time, base_url, other, models, \"group\", model_mapping, priority, config, "
                    + "system_prompt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
                    + "RETURNING id")
                .execute(Tuple.from(new Object[] {f.type.orElse(1L).intValue(), api.cipher().encrypt(key),
                    f.status.orElse(1L).intValue(), f.name.orElse(""), f.weight.orElse(0L).intValue(), api.now(),
                    f.baseUrl.orElse(""), f.other.orElse(""), String.join(",", f.models.orElse(List.of())),
                    String.join(",", f.groups.orElse(List.of("default"))), f.modelMapping.orElse(""),
                    f.priority.orElse(0L), f.config.orElse(""), f.systemPrompt.orElse(null)}))
            .map(rows -> rows.iterator().next().getInteger(0))
            .compose(id -> {
              ids.add(id);
              return rebuildAbilities(conn, id);
            })
            .compose(id -> api.audit(conn, me, me.id(), me.username(), "created channel #" + id + " '"
                + f.name.orElse("") + "' (type " + f.type.orElse(1L) + ")")));
      }
      return chain;
    }).map(v -> {
      ids.forEach(id -> api.notice(ChangeNotice.Kind.CHANNEL, id));
      return new JsonObject().put("ids", new JsonArray(ids));
    });
  }

  /**
   * {@code PUT /api/channel/}: partial; absent fields (and an empty or masked key) keep their values; answers the
   * channel in One API's shape.
   */
  public Future<JsonObject> update(Body body, Principal me) {
    int id = (int) body.requiredInteger("id", 1, Integer.MAX_VALUE);
    Fields f = Fields.read(body, false);
    Optional<String> key = body.string("key", 8192).map(String::trim)
        .filter(k -> !k.isEmpty() && !k.contains("****"));
    if (key.isPresent() && key.get().contains("\n")) {
      throw ApiException.badRequest("key must be one line when updating a channel");
    }
    return api.pg().withTransaction(conn -> conn.preparedQuery("SELECT id FROM channels WHERE id = $1 FOR UPDATE")
            .execute(Tuple.of(id))
            .compose(rows -> {
              if (rows.size() == 0) {
                throw ApiException.notFound("channel #" + id + " does not exist");
              }
              return conn.preparedQuery("UPDATE channels SET type = COALESCE($2, type), key = COALESCE($3, key), "
                      + "status = COALESCE($4, status), name = COALESCE($5, name), weight = COALESCE($6, weight), "
                      + "base_url = COALESCE($7, base_url), other = COALESCE($8, other), "
                      + "models = COALESCE($9, models), \"group\" = COALESCE($10, \"group\"), "
                      + "model_mapping = COALESCE($11, model_mapping), priority = COALESCE($12, priority), "
                      + "config = COALESCE($13, config), system_prompt = COALESCE($14, system_prompt), "
                      + "status_changed_time = CASE WHEN $4::int IS NOT NULL AND $4::int <> status THEN $15 "
                      + "ELSE status_changed_time END, version = version + 1 WHERE id = $1")
                  .execute(Tuple.from(new Object[] {id, f.type.map(Long::intValue).orElse(null),
                      key.map(k -> api.cipher().encrypt(k)).orElse(null), f.status.map(Long::intValue).orElse(null),
                      f.name.orElse(null), f.weight.map(Long::intValue).orElse(null), f.baseUrl.orElse(null),
                      f.other.orElse(null), f.models.map(m -> String.join(",", m)).orElse(null),
                      f.groups.map(g -> String.join(",", g)).orElse(null), f.modelMapping.orElse(null),
                      f.priority.orElse(null), f.config.orElse(null), f.systemPrompt.orElse(null), api.now()}));
            })
            .compose(v -> rebuildAbilities(conn, id))
            .compose(v -> api.audit(conn, me, me.id(), me.username(), "updated channel #" + id
                + (key.isPresent() ? " (key replaced)" : "") + (f.status.isPresent() ? " status " + f.status.get()
                : "")))
            .compose(v -> conn.preparedQuery("SELECT " + COLUMNS + " FROM channels WHERE id = $1")
                .execute(Tuple.of(id))))
        .map(rows -> {
          api.notice(ChangeNotice.Kind.CHANNEL, id);
          return json(rows.iterator().next());
        });
  }

  /** {@code DELETE /api/channel/:id}. */
  public Future<Void> delete(int id, Principal me) {
    return api.pg().withTransaction(conn -> conn.preparedQuery("DELETE FROM channels WHERE id = $1 RETURNING name")
            .execute(Tuple.of(id))
            .compose(rows -> {
              if (rows.size() == 0) {
                throw ApiException.notFound("channel #" + id + " does not exist");
              }
              return api.audit(conn, me, me.id(), me.username(), "deleted channel #" + id + " '"
                  + rows.iterator().next().getString(0) + "'");
            }))
        .map(v -> {
          api.notice(ChangeNotice.Kind.CHANNEL, id);
          return null;
        });
  }

  private Future<?> deleteDisabled(ApiCall call) {
    Principal me = call.principal();
    return api.pg().withTransaction(conn -> conn.preparedQuery(
                "DELETE FROM channels WHERE status IN (2, 3) RETURNING id").execute()
            .compose(rows -> {
              List<Integer> ids = new ArrayList<>();
              rows.forEach(r -> ids.add(r.getInteger(0)));
              return api.audit(conn, me, me.id(), me.username(), "deleted " + ids.size() + " disabled channels "
                  + ids).map(ids);
            }))
        .map(ids -> {
          ids.forEach(id -> api.notice(ChangeNotice.Kind.CHANNEL, id));
          return ids.size();
        });
  }

  /** Replaces the channel's abilities with one row per (group × model), enabled iff the channel is. */
  private Future<Integer> rebuildAbilities(SqlConnection conn, int id) {
    return conn.preparedQuery("DELETE FROM abilities WHERE channel_id = $1").execute(Tuple.of(id))
        .compose(v -> conn.preparedQuery("SELECT models, \"group\", status, priority FROM channels WHERE id = $1")
            .execute(Tuple.of(id)))
        .compose(rows -> {
          Row c = rows.iterator().next();
          List<Tuple> batch = new ArrayList<>();
          for (String group : split(c.getString("group"))) {
            for (String model : split(c.getString("models"))) {
              batch.add(Tuple.of(group, model, id, c.getInteger("status") == 1, c.getLong("priority")));
            }
          }
          if (batch.isEmpty()) {
            return Future.succeededFuture(id);
          }
          return conn.preparedQuery("INSERT INTO abilities (\"group\", model, channel_id, enabled, priority) "
              + "VALUES ($1, $2, $3, $4, $5)").executeBatch(batch).map(id);
        });
  }

  private static List<String> split(String csv) {
    return new ArrayList<>(new LinkedHashSet<>(Arrays.stream(csv == null ? new String[0] : csv.split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList()));
  }

  private JsonArray rows(RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    rows.forEach(r -> out.add(json(r)));
    return out;
  }

  private String plainKey(Row r) {
    return api.cipher().decrypt(r.getString("key"));
  }

  private JsonObject json(Row r) {
    String masked;
    try {
      masked = Secrets.mask(plainKey(r));
    } catch (IllegalStateException e) {
      masked = "(unreadable: CRYPTO_SECRET changed)";
    }
    return new JsonObject()
        .put("id", r.getInteger("id"))
        .put("type", r.getInteger("type"))
        .put("key_masked", masked)
        .put("status", r.getInteger("status"))
        .put("name", r.getString("name"))
        .put("weight", r.getInteger("weight"))
        .put("created_time", r.getLong("created_time"))
        .put("test_time", r.getLong("test_time"))
        .put("response_time", r.getInteger("response_time"))
        .put("base_url", text(r, "base_url"))
        .put("other", text(r, "other"))
        .put("balance", r.getDouble("balance"))
        .put("balance_updated_time", r.getLong("balance_updated_time"))
        .put("models", r.getString("models"))
        .put("group", r.getString("group"))
        .put("used_quota", r.getLong("used_quota"))
        .put("model_mapping", text(r, "model_mapping"))
        .put("priority", r.getLong("priority"))
        .put("config", text(r, "config"))
        .put("system_prompt", r.getString("system_prompt"));
  }

  /** A text column as One API's UI expects it: never null (its channel editor parses config and model_mapping). */
  private static String text(Row r, String column) {
    String v = r.getString(column);
    return v == null ? "" : v;
  }

  /**
   * {@code POST /api/channel/unpriced {type, models, model_mapping}} (the channel editor, before saving): the
   * models whose upstream name (after the mapping) has neither a ratio nor a price, and whether such requests are
   * served free ({@code SelfUseModeEnabled}) or refused.
   */
  private Future<?> unpriced(ApiCall call) {
    Body body = call.body();
    Fields f = Fields.read(body, false);
    int type = f.type.orElse(1L).intValue();
    JsonObject mapping = f.modelMapping.filter(m -> !m.isEmpty()).map(JsonObject::new).orElse(new JsonObject());
    return api.options().map(options -> {
      PriceBook book = PriceBook.from(options);
      JsonArray out = new JsonArray();
      for (String model : f.models.orElse(List.of())) {
        String upstream = mapping.getValue(model) instanceof String s && !s.isBlank() ? s.trim() : model;
        if (!book.priced(upstream, type)) {
          out.add(new JsonObject().put("model", model).put("upstream_model", upstream));
        }
      }
      return new JsonObject().put("models", out).put("self_use_mode", options.bool("SelfUseModeEnabled"));
    });
  }

  /** The validated editable fields of a channel request (absent = keep / default). */
  private record Fields(Optional<Long> type, Optional<Long> status, Optional<String> name, Optional<Long> weight,
                        Optional<String> baseUrl, Optional<String> other, Optional<List<String>> models,
                        Optional<List<String>> groups, Optional<String> modelMapping, Optional<Long> priority,
                        Optional<String> config, Optional<String> systemPrompt) {

    static Fields read(Body b, boolean creating) {
      Optional<Long> type = b.integer("type", 0, 1000);
      if (type.isPresent() && !BuiltInModels.validType(type.get())) {
        throw ApiException.badRequest("type must be a channel type id between 1 and 51");
      }
      Optional<Long> status = b.integer("status", 0, 1000);
      if (status.isPresent() && (status.get() < 1 || status.get() > 3)) {
        throw ApiException.badRequest("status must be 1 (enabled), 2 (disabled) or 3 (auto-disabled)");
      }
      Optional<String> name = b.string("name", 128).map(String::trim);
      Optional<String> baseUrl = b.string("base_url", 1024).map(String::trim);
      baseUrl.filter(u -> !u.isEmpty()).ifPresent(u -> {
        if (!u.matches("https?://[^\\s]+")) {
          throw ApiException.badRequest("base_url must be an http(s) URL");
        }
      });
      Optional<List<String>> models = b.string("models", 1 << 16).map(ChannelRoutes::split);
      models.ifPresent(list -> list.forEach(m -> {
        if (m.length() > 255 || m.chars().anyMatch(Character::isISOControl)) {
          throw ApiException.badRequest("model names must be at most 255 characters without control characters");
        }
      }));
      boolean proxy = type.orElse(0L) == PROXY_TYPE;
      if (!proxy && models.isPresent() && models.get().isEmpty()) {
        throw ApiException.badRequest("models must list at least one model");
      }
      if (creating && !proxy && models.isEmpty()) {
        throw ApiException.badRequest("models is required");
      }
      Optional<List<String>> groups = b.string("group", 1024).map(ChannelRoutes::split)
          .filter(g -> !g.isEmpty());
      groups.ifPresent(list -> list.forEach(UserRows::validGroup));
      Optional<String> mapping = b.string("model_mapping", 1 << 16).map(String::trim);
      mapping.filter(s -> !s.isEmpty()).ifPresent(s -> jsonObject("model_mapping", s, true));
      Optional<String> config = b.string("config", 1 << 16).map(String::trim);
      config.filter(s -> !s.isEmpty()).ifPresent(s -> jsonObject("config", s, false));
      return new Fields(type, status, name, b.integer("weight", 0, 1_000_000), baseUrl,
          b.string("other", 1024), models, groups, mapping, b.integer("priority", -1_000_000_000L, 1_000_000_000L),
          config, b.string("system_prompt", 1 << 16));
    }

    private static void jsonObject(String field, String text, boolean stringValues) {
      try {
        JsonObject o = new JsonObject(text);
        if (stringValues && o.stream().anyMatch(e -> !(e.getValue() instanceof String))) {
          throw ApiException.badRequest(field + " values must be strings (model name -> model name)");
        }
      } catch (DecodeException | ClassCastException e) {
        throw ApiException.badRequest(field + " must be a JSON object");
      }
    }
  }
}
