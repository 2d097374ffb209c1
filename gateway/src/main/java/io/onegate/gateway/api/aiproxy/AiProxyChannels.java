package io.onegate.gateway.api.aiproxy;

import io.onegate.common.domain.Secrets;
import io.onegate.gateway.api.ApiCall;
import io.onegate.gateway.api.ApiContext;
import io.onegate.gateway.api.ApiException;
import io.onegate.gateway.api.Body;
import io.onegate.gateway.api.ChannelRoutes;
import io.onegate.gateway.api.ChannelTester;
import io.onegate.gateway.api.Envelope;
import io.onegate.providers.registry.ProviderRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * AI Proxy's channel routes over OneGate's channels, in AI Proxy's shapes: {@code models} a list,
 * {@code model_mapping} an object, {@code sets} the channel's groups, {@code created_at} in milliseconds, types
 * translated by {@link ChannelTypes}. Writes go through One API's channel writes ({@link ChannelRoutes}, one write
 * path): the AI Proxy body is turned into One API's. Keys are never returned in full (masked, as in One API's
 * routes); an update that sends the masked key back keeps the key, and one that sends back the type or status it was
 * shown keeps the stored value (One API's auto-disabled 3 shows as AI Proxy's disabled 2).
 */
final class AiProxyChannels {
  private static final String COLUMNS = "id, type, key, status, name, created_time, base_url, balance, "
      + "balance_updated_time, models, \"group\", used_quota, model_mapping, priority";
  private static final int MAX_BATCH = 1000;

  private final ApiContext api;
  private final ChannelRoutes channels;
  private final ChannelTester tester;
  private final ProviderRegistry registry;

  AiProxyChannels(ApiContext api, ChannelRoutes channels, ChannelTester tester, ProviderRegistry registry) {
    this.api = api;
    this.channels = channels;
    this.tester = tester;
    this.registry = registry;
  }

  /** {@code GET /api/channels/all}: every channel, newest first. */
  Future<?> all(ApiCall call) {
    return Paging.perUnit(api).compose(perUnit -> api.pg().query("SELECT " + COLUMNS + " FROM channels ORDER BY id DESC")
        .execute().map(rows -> list(rows, perUnit)));
  }

  /** {@code GET /api/channels/?page=&per_page=&search=} (also {@code /search?keyword=}): {channels, total}. */
  Future<?> page(ApiCall call) {
    Paging paging = Paging.of(call);
    String search = call.query("search").isEmpty() ? call.query("keyword") : call.query("search");
    if (search.length() > 128) {
      throw ApiException.badRequest("search is too long");
    }
    String where = search.isEmpty() ? "" : " WHERE name ILIKE $1 OR models ILIKE $1 OR base_url ILIKE $1"
        + (search.matches("\\d{1,9}") ? " OR id = " + Integer.parseInt(search) : "");
    List<Object> args = new ArrayList<>();
    if (!search.isEmpty()) {
      args.add("%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
    }
    Tuple filter = Tuple.from(args);
    args.add(paging.perPage());
    args.add(paging.offset());
    Future<Long> total = api.pg().preparedQuery("SELECT count(*) FROM channels" + where).execute(filter)
        .map(rows -> rows.iterator().next().getLong(0));
    Future<JsonArray> page = Paging.perUnit(api).compose(perUnit -> api.pg().preparedQuery("SELECT " + COLUMNS
            + " FROM channels" + where + " ORDER BY id DESC LIMIT $" + (args.size() - 1) + " OFFSET $" + args.size())
        .execute(Tuple.from(args)).map(rows -> list(rows, perUnit)));
    return Future.all(total, page).map(v -> new JsonObject().put("channels", page.result())
        .put("total", total.result()));
  }

  /** {@code GET /api/channel/:id}. */
  Future<?> get(ApiCall call) {
    int id = call.id("id");
    return Paging.perUnit(api).compose(perUnit -> channels.load(id).map(row -> json(row, perUnit)));
  }

  /** {@code POST /api/channel/}: one channel per key line (AI Proxy's rule too); answers the first {id}. */
  Future<?> create(ApiCall call) {
    JsonObject in = object(call);
    ChannelTypes.Type type = type(in.getValue("type"));
    JsonObject body = oneApi(in, type, null);
    body.put("type", type.oneGate());
    return channels.create(Body.of(body), call.principal()).map(out -> {
      JsonArray ids = out.getJsonArray("ids");
      return new JsonObject().put("id", ids.getInteger(0)).put("ids", ids);
    });
  }

  /** {@code PUT /api/channel/:id}: AI Proxy's full update (absent fields keep their values here). */
  Future<?> update(ApiCall call) {
    int id = call.id("id");
    JsonObject in = object(call);
    return channels.load(id).compose(stored -> {
      JsonObject body = oneApi(in, null, stored);
      body.put("id", id);
      return channels.update(Body.of(body), call.principal());
    }).compose(v -> Paging.perUnit(api).compose(perUnit -> channels.load(id).map(row -> json(row, perUnit))));
  }

  /** {@code POST /api/channel/:id/status {status}}: 1 enabled, 2 disabled. */
  Future<?> status(ApiCall call) {
    int id = call.id("id");
    int status = statusOf(object(call).getValue("status"));
    return channels.load(id).compose(stored -> setStatus(id, status, stored, call)).map(v -> null);
  }

  /** {@code POST /api/channels/batch_status {ids, status}}. */
  Future<?> batchStatus(ApiCall call) {
    JsonObject in = object(call);
    int status = statusOf(in.getValue("status"));
    Future<Void> chain = Future.succeededFuture();
    for (int id : ids(in)) {
      chain = chain.compose(v -> channels.load(id).compose(stored -> setStatus(id, status, stored, call)).mapEmpty());
    }
    return chain.map(v -> null);
  }

  /** {@code POST /api/channels/batch_delete {ids}} (AI Proxy also takes a bare array). */
  Future<?> batchDelete(ApiCall call) {
    Object body;
    try {
      body = call.ctx().body().buffer() == null ? null : io.vertx.core.json.Json.decodeValue(call.ctx().body().buffer());
    } catch (DecodeException e) {
      throw ApiException.badRequest("the body must be {\"ids\": [...]} or a list of ids");
    }
    List<Integer> ids = ids(body instanceof JsonArray list ? new JsonObject().put("ids", list)
        : body instanceof JsonObject o ? o : new JsonObject());
    Future<Void> chain = Future.succeededFuture();
    for (int id : ids) {
      chain = chain.compose(v -> channels.delete(id, call.principal()));
    }
    return chain.map(v -> null);
  }

  /**
   * {@code GET /api/channel/:id/test/:model}: one test request with that model through the channel (the health
   * worker's tester, as One API's channel test); the envelope fails when the test fails.
   */
  Future<?> test(ApiCall call) {
    int id = call.id("id");
    String path = call.ctx().normalizedPath();
    String marker = "/test/";
    String model = java.net.URLDecoder.decode(path.substring(path.indexOf(marker, path.indexOf("/channel/"))
        + marker.length()), java.nio.charset.StandardCharsets.UTF_8);
    if (model.isBlank() || model.length() > 255) {
      throw ApiException.badRequest("the model to test is missing");
    }
    return channels.load(id).compose(row -> tester.test(id, Optional.of(model))).map(result -> {
      JsonObject data = new JsonObject().put("channel_id", id).put("model", result.modelName())
          .put("actual_model", result.modelName()).put("took", result.timeSeconds())
          .put("success", result.success()).put("response", result.message()).put("code", result.success() ? 200 : 0)
          .put("test_at", api.clock().millis());
      return new Envelope.Raw(new JsonObject().put("success", result.success())
          .put("message", result.success() ? "" : result.message()).put("data", data));
    });
  }

  /** {@code GET /api/channels/type_metas}. */
  Future<?> typeMetas(ApiCall call) {
    return Future.succeededFuture(ChannelTypes.metas(registry));
  }

  private Future<?> setStatus(int id, int status, Row stored, ApiCall call) {
    if (shownStatus(stored.getInteger("status")) == status) {
      return Future.succeededFuture(); // shown as is (One API's auto-disabled shows as disabled): unchanged
    }
    return channels.update(Body.of(new JsonObject().put("id", id).put("status", status)), call.principal());
  }

  /**
   * One API's request body from an AI Proxy one; {@code type} for a creation, {@code stored} (the row) for an
   * update, where a type or status equal to what the row is shown as, and a masked key, keep the stored values.
   */
  private static JsonObject oneApi(JsonObject in, ChannelTypes.Type type, Row stored) {
    JsonObject out = new JsonObject();
    ChannelTypes.Type effective = type;
    if (stored != null) {
      int storedType = stored.getInteger("type");
      if (in.getValue("type") != null && !Integer.valueOf(ChannelTypes.toAiProxy(storedType))
          .equals(number(in.getValue("type"), "type"))) {
        effective = type(in.getValue("type"));
        out.put("type", effective.oneGate());
      } else {
        effective = ChannelTypes.of(ChannelTypes.toAiProxy(storedType)).orElse(null);
      }
      if (in.getValue("status") != null) {
        int status = statusOf(in.getValue("status"));
        if (status != shownStatus(stored.getInteger("status"))) {
          out.put("status", status);
        }
      }
    } else if (in.getValue("status") != null) {
      out.put("status", statusOf(in.getValue("status")));
    }
    if (in.getValue("name") instanceof String name) {
      out.put("name", name);
    }
    if (in.getValue("key") instanceof String key) {
      out.put("key", key);
    }
    if (in.getValue("base_url") instanceof String url) {
      out.put("base_url", effective == null ? url.trim() : ChannelTypes.storedBaseUrl(effective, url));
    }
    Object models = in.getValue("models");
    if (models instanceof JsonArray list) {
      out.put("models", String.join(",", strings(list, "models")));
    } else if (models != null) {
      throw ApiException.badRequest("models must be a list of model names");
    }
    if (in.containsKey("model_mapping")) {
      Object mapping = in.getValue("model_mapping");
      if (mapping == null) {
        out.put("model_mapping", "");
      } else if (mapping instanceof JsonObject m) {
        out.put("model_mapping", m.isEmpty() ? "" : m.encode());
      } else {
        throw ApiException.badRequest("model_mapping must be an object (model name -> model name)");
      }
    }
    if (in.getValue("priority") != null) {
      out.put("priority", number(in.getValue("priority"), "priority"));
    }
    if (in.getValue("sets") instanceof JsonArray sets && !sets.isEmpty()) {
      out.put("group", String.join(",", strings(sets, "sets")));
    }
    return out;
  }

  private static ChannelTypes.Type type(Object raw) {
    int aiProxy = number(raw, "type");
    return ChannelTypes.of(aiProxy).orElseThrow(() -> ApiException.badRequest("channel type " + aiProxy
        + " of AI Proxy is not supported by OneGate (see GET /api/channels/type_metas)"));
  }

  private static int statusOf(Object raw) {
    int status = number(raw, "status");
    if (status != 1 && status != 2) {
      throw ApiException.badRequest("status must be 1 (enabled) or 2 (disabled)");
    }
    return status;
  }

  /** One API's statuses as AI Proxy shows them: 1 enabled, anything else (2, auto-disabled 3) disabled. */
  static int shownStatus(int status) {
    return status == 1 ? 1 : 2;
  }

  private static int number(Object raw, String field) {
    if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 1e9) {
      return n.intValue();
    }
    throw ApiException.badRequest(field + " must be an integer");
  }

  private static List<String> strings(JsonArray list, String field) {
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s)) {
        throw ApiException.badRequest(field + " must be a list of strings");
      }
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  private static List<Integer> ids(JsonObject in) {
    if (!(in.getValue("ids") instanceof JsonArray list) || list.size() > MAX_BATCH) {
      throw ApiException.badRequest("ids must be a list of at most " + MAX_BATCH + " channel ids");
    }
    List<Integer> ids = new ArrayList<>();
    list.forEach(o -> ids.add(number(o, "ids")));
    return ids;
  }

  private static JsonObject object(ApiCall call) {
    try {
      JsonObject in = call.ctx().body().asJsonObject();
      if (in == null) {
        throw ApiException.badRequest("a JSON object body is required");
      }
      return in;
    } catch (DecodeException | ClassCastException e) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
  }






  private JsonArray list(RowSet<Row> rows, double perUnit) {
    JsonArray out = new JsonArray();
    rows.forEach(r -> out.add(json(r, perUnit)));
    return out;
  }

  private JsonObject json(Row r, double perUnit) {
    String masked;
    try {
      masked = Secrets.mask(api.cipher().decrypt(r.getString("key")));
    } catch (IllegalStateException e) {
      masked = "****";
    }
    JsonObject mapping = null;
    String rawMapping = r.getString("model_mapping");
    if (rawMapping != null && !rawMapping.isBlank()) {
      try {
        mapping = new JsonObject(rawMapping);
      } catch (DecodeException e) {
        mapping = null;
      }
    }
    return new JsonObject()
        .put("id", r.getInteger("id"))
        .put("name", r.getString("name"))
        .put("type", ChannelTypes.toAiProxy(r.getInteger("type")))
        .put("key", masked)
        .put("base_url", r.getString("base_url") == null ? "" : r.getString("base_url"))
        .put("models", new JsonArray(split(r.getString("models"))))
        .put("model_mapping", mapping)
        .put("priority", r.getLong("priority"))
        .put("status", shownStatus(r.getInteger("status")))
        .put("sets", new JsonArray(split(r.getString("group"))))
        .put("balance", r.getDouble("balance"))
        .put("balance_updated_at", r.getLong("balance_updated_time") * 1000)
        .put("used_amount", r.getLong("used_quota") / perUnit)
        .put("request_count", 0)
        .put("retry_count", 0)
        .put("created_at", r.getLong("created_time") * 1000)
        .put("enabled_auto_balance_check", false)
        .put("balance_threshold", 0);
  }

  private static List<String> split(String csv) {
    return csv == null || csv.isBlank() ? List.of()
        : Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
  }
}
