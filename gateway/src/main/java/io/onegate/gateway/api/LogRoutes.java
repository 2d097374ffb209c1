package io.onegate.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Log queries ({@code /api/log/...}) with One API's filters. {@code logs} is partitioned by {@code created_at}, so
 * the time bounds, when given, go into the WHERE clause and prune partitions. Logs are written by the billing
 * worker (consume rows, type 2, and error rows, type 6: a failed attempt or a refused request, with its
 * {@code http_status} and {@code failure_class}), the health worker (channel tests, type 5) and this API (top-up,
 * manage, system).
 */
final class LogRoutes {
  private static final String COLUMNS = "id, user_id, created_at, type, content, username, token_name, model_name, "
      + "quota, prompt_tokens, completion_tokens, channel_id, request_id, elapsed_time, is_stream, "
      + "system_prompt_reset, http_status, failure_class";
  private final ApiContext api;

  LogRoutes(ApiContext api) {
    this.api = api;
  }

  void mount(ApiRouter r) {
    r.get("/api/log/", Roles.ADMIN, call -> query(call, false));
    r.delete("/api/log/", Roles.ADMIN, this::deleteOld);
    r.get("/api/log/search", Roles.ADMIN, this::search);
    r.get("/api/log/stat", Roles.ADMIN, call -> stat(call, false));
    r.get("/api/log/self/stat", Roles.COMMON, call -> stat(call, true));
    r.get("/api/log/self/search", Roles.COMMON, this::selfSearch);
    r.get("/api/log/self", Roles.COMMON, call -> query(call, true));
  }

  /** WHERE clause and arguments built from the query's filters. */
  private record Filter(String where, List<Object> args) {
    static Filter of(ApiCall call, boolean self, boolean consumeOnly) {
      List<String> clauses = new ArrayList<>();
      List<Object> args = new ArrayList<>();
      if (self) {
        args.add(call.principal().id());
        clauses.add("user_id = $" + args.size());
      }
      Long type = call.queryLong("type");
      if (consumeOnly) {
        clauses.add("type = 2");
      } else if (type != null && type != 0) {
        args.add(type.intValue());
        clauses.add("type = $" + args.size());
      }
      Long start = call.queryLong("start_timestamp");
      if (start != null && start > 0) {
        args.add(start);
        clauses.add("created_at >= $" + args.size());
      }
      Long end = call.queryLong("end_timestamp");
      if (end != null && end > 0) {
        args.add(end);
        clauses.add("created_at <= $" + args.size());
      }
      if (!self) {
        text(call, "username", "username", clauses, args);
        Long channel = call.queryLong("channel");
        if (channel != null && channel != 0) {
          args.add(channel.intValue());
          clauses.add("channel_id = $" + args.size());
        }
      }
      text(call, "token_name", "token_name", clauses, args);
      text(call, "model_name", "model_name", clauses, args);
      return new Filter(clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses), args);
    }

    private static void text(ApiCall call, String param, String column, List<String> clauses, List<Object> args) {
      String v = call.query(param);
      if (v.length() > 255) {
        throw ApiException.badRequest(param + " is too long");
      }
      if (!v.isEmpty()) {
        args.add(v);
        clauses.add(column + " = $" + args.size());
      }
    }
  }

  private Future<?> query(ApiCall call, boolean self) {
    Filter f = Filter.of(call, self, false);
    List<Object> args = new ArrayList<>(f.args());
    args.add(call.offset());
    return api.pg().preparedQuery("SELECT " + COLUMNS + " FROM logs" + f.where()
            + " ORDER BY created_at DESC, id DESC LIMIT 10 OFFSET $" + args.size())
        .execute(Tuple.from(args)).map(rows -> rows(rows, !self));
  }

  private Future<?> stat(ApiCall call, boolean self) {
    Filter f = Filter.of(call, self, true);
    return api.pg().preparedQuery("SELECT COALESCE(sum(quota), 0) FROM logs" + f.where())
        .execute(Tuple.from(f.args()))
        .map(rows -> new JsonObject().put("quota", rows.iterator().next().getLong(0)));
  }

  /** Admin search: type equals the keyword, or content starts with it; at most 100. */
  private Future<?> search(ApiCall call) {
    String keyword = call.query("keyword");
    if (keyword.length() > 255) {
      throw ApiException.badRequest("keyword is too long");
    }
    int type = keyword.matches("\\d{1,2}") ? Integer.parseInt(keyword) : -1;
    return api.pg().preparedQuery("SELECT " + COLUMNS + " FROM logs WHERE type = $1 OR content LIKE $2 "
            + "ORDER BY created_at DESC, id DESC LIMIT 100")
        .execute(Tuple.of(type, ApiCall.likePrefix(keyword))).map(rows -> rows(rows, true));
  }

  /** Own search: matches the type only (One API's behaviour); at most 100. */
  private Future<?> selfSearch(ApiCall call) {
    String keyword = call.query("keyword");
    int type = keyword.matches("\\d{1,2}") ? Integer.parseInt(keyword) : -1;
    return api.pg().preparedQuery("SELECT " + COLUMNS + " FROM logs WHERE user_id = $1 AND type = $2 "
            + "ORDER BY created_at DESC, id DESC LIMIT 100")
        .execute(Tuple.of(call.principal().id(), type)).map(rows -> rows(rows, false));
  }

  private Future<?> deleteOld(ApiCall call) {
    Long target = call.queryLong("target_timestamp");
    if (target == null || target <= 0) {
      throw ApiException.badRequest("target_timestamp is required (Unix seconds)");
    }
    Principal me = call.principal();
    return api.pg().preparedQuery("DELETE FROM logs WHERE created_at < $1").execute(Tuple.of(target))
        .compose(rows -> api.audit(api.pg(), me, me.id(), me.username(), "deleted " + rows.rowCount()
            + " logs older than " + target).map(rows.rowCount()));
  }

  private static JsonArray rows(RowSet<Row> rows, boolean withId) {
    JsonArray out = new JsonArray();
    for (Row r : rows) {
      JsonObject o = new JsonObject();
      if (withId) {
        o.put("id", r.getLong("id"));
      }
      out.add(o.put("user_id", r.getInteger("user_id"))
          .put("created_at", r.getLong("created_at"))
          .put("type", r.getInteger("type"))
          .put("content", r.getString("content"))
          .put("username", r.getString("username"))
          .put("token_name", r.getString("token_name"))
          .put("model_name", r.getString("model_name"))
          .put("quota", r.getLong("quota"))
          .put("prompt_tokens", r.getInteger("prompt_tokens"))
          .put("completion_tokens", r.getInteger("completion_tokens"))
          .put("channel", r.getInteger("channel_id"))
          .put("request_id", r.getString("request_id"))
          .put("elapsed_time", r.getLong("elapsed_time"))
          .put("is_stream", r.getBoolean("is_stream"))
          .put("system_prompt_reset", r.getBoolean("system_prompt_reset"))
          .put("http_status", r.getInteger("http_status"))
          .put("failure_class", r.getString("failure_class")));
    }
    return out;
  }
}
