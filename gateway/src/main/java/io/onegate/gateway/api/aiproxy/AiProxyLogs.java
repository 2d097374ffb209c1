package io.onegate.gateway.api.aiproxy;

import io.onegate.common.event.UsageEvent;
import io.onegate.gateway.api.ApiCall;
import io.onegate.gateway.api.ApiContext;
import io.onegate.gateway.api.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * AI Proxy's request logs over OneGate's {@code logs}: the consume rows (type 2, AI Proxy code 200) and the error
 * rows (type 6, their HTTP status as the code) of the relay. Times are milliseconds, as AI Proxy's; the range is at
 * most 7 days (AI Proxy's rule). OneGate stores no request or response bodies: a detail has the error message of an
 * error row as its response body and nothing else.
 */
final class AiProxyLogs {
  private static final String COLUMNS = "id, created_at, type, content, token_name, model_name, quota, "
      + "prompt_tokens, completion_tokens, channel_id, request_id, elapsed_time, is_stream, http_status";
  private static final int MAX_DAYS = 7;

  private final ApiContext api;

  AiProxyLogs(ApiContext api) {
    this.api = api;
  }

  /**
   * {@code GET /api/logs/search} (and {@code /api/logs/}): filters {@code request_id}, {@code channel},
   * {@code model_name}, {@code code_type} (all, success, error), {@code start_timestamp}, {@code end_timestamp}; pages
   * {@code p} (or {@code page}, 1-based) of {@code per_page}; {logs, total}.
   */
  Future<?> search(ApiCall call) {
    TimeRange range = TimeRange.of(call, api.clock().millis(), MAX_DAYS);
    List<String> where = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    args.add(range.startSeconds());
    args.add(range.endSeconds());
    where.add("created_at BETWEEN $1 AND $2");
    switch (call.query("code_type")) {
      case "success" -> where.add("type = " + UsageEvent.TYPE_CONSUME);
      case "error" -> where.add("type = " + UsageEvent.TYPE_ERROR);
      case "", "all" -> where.add("type IN (" + UsageEvent.TYPE_CONSUME + ", " + UsageEvent.TYPE_ERROR + ")");
      default -> throw ApiException.badRequest("code_type must be all, success or error");
    }
    text(call, "request_id", "request_id", where, args);
    text(call, "model_name", "model_name", where, args);
    Long channel = call.queryLong("channel");
    if (channel != null && channel != 0) {
      args.add(channel.intValue());
      where.add("channel_id = $" + args.size());
    }
    String filter = " WHERE " + String.join(" AND ", where);
    Tuple filterArgs = Tuple.from(args);
    Paging paging = Paging.of(call);
    List<Object> pageArgs = new ArrayList<>(args);
    pageArgs.add(paging.perPage());
    pageArgs.add(paging.offset());
    Future<Long> total = api.pg().preparedQuery("SELECT count(*) FROM logs" + filter).execute(filterArgs)
        .map(rows -> rows.iterator().next().getLong(0));
    Future<JsonArray> logs = Paging.perUnit(api).compose(perUnit -> api.pg().preparedQuery("SELECT " + COLUMNS + " FROM logs"
            + filter + " ORDER BY created_at DESC, id DESC LIMIT $" + (pageArgs.size() - 1) + " OFFSET $"
            + pageArgs.size())
        .execute(Tuple.from(pageArgs)).map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(json(r, perUnit)));
          return out;
        }));
    return Future.all(total, logs).map(v -> new JsonObject().put("logs", logs.result()).put("total", total.result()));
  }

  /** {@code GET /api/logs/detail/:id}: AI Proxy's request detail; OneGate keeps no bodies. */
  Future<?> detail(ApiCall call) {
    long id = call.id("id");
    return api.pg().preparedQuery("SELECT type, content FROM logs WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiException.notFound("log #" + id + " does not exist (record not found)");
          }
          Row r = rows.iterator().next();
          String response = r.getInteger("type") == UsageEvent.TYPE_ERROR ? r.getString("content") : "";
          return new JsonObject().put("id", id).put("log_id", id).put("request_body", "")
              .put("response_body", response).put("request_body_truncated", true)
              .put("response_body_truncated", r.getInteger("type") != UsageEvent.TYPE_ERROR);
        });
  }

  private static JsonObject json(Row r, double perUnit) {
    boolean consume = r.getInteger("type") == UsageEvent.TYPE_CONSUME;
    long createdMillis = r.getLong("created_at") * 1000;
    long prompt = r.getInteger("prompt_tokens");
    long completion = r.getInteger("completion_tokens");
    JsonObject log = new JsonObject()
        .put("id", r.getLong("id"))
        .put("request_id", r.getString("request_id"))
        .put("created_at", createdMillis)
        .put("request_at", Math.max(0, createdMillis - r.getLong("elapsed_time")))
        .put("model", r.getString("model_name"))
        .put("channel", r.getInteger("channel_id"))
        .put("code", consume ? 200 : r.getInteger("http_status"))
        .put("mode", 0)
        .put("token_name", r.getString("token_name"))
        .put("endpoint", "")
        .put("ip", "")
        .put("usage", new JsonObject().put("input_tokens", prompt).put("output_tokens", completion)
            .put("total_tokens", prompt + completion))
        .put("used_amount", r.getLong("quota") / perUnit);
    if (!consume) {
      log.put("content", r.getString("content"));
    }
    return log;
  }

  private static void text(ApiCall call, String param, String column, List<String> where, List<Object> args) {
    String v = call.query(param);
    if (v.length() > 255) {
      throw ApiException.badRequest(param + " is too long");
    }
    if (!v.isEmpty()) {
      args.add(v);
      where.add(column + " = $" + args.size());
    }
  }



}
