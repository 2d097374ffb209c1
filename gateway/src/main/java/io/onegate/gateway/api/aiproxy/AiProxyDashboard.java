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
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AI Proxy's time series dashboard ({@code GET /api/dashboardv2/}) computed from OneGate's relay logs: per time
 * bucket ({@code timespan} minute, hour or day in {@code timezone}) and model, the requests (distinct request ids),
 * the exceptions (error rows), the amount (quota / QuotaPerUnit), tokens and time of the billed requests. Optional
 * filters {@code channel} and {@code model}; at most 31 days, the last 7 by default. OneGate keeps no time-to-first
 * byte, RPM/TPM peaks or cache hits: those are 0.
 */
final class AiProxyDashboard {
  private static final int MAX_DAYS = 31;

  private final ApiContext api;

  AiProxyDashboard(ApiContext api) {
    this.api = api;
  }

  Future<?> series(ApiCall call) {
    String span = switch (call.query("timespan")) {
      case "minute" -> "minute";
      case "hour" -> "hour";
      case "", "day" -> "day";
      default -> throw ApiException.badRequest("timespan must be minute, hour or day");
    };
    String zone = call.query("timezone").isEmpty() ? "UTC" : call.query("timezone");
    try {
      zone = ZoneId.of(zone).getId();
    } catch (DateTimeException e) {
      throw ApiException.badRequest("timezone must be an IANA time zone such as Asia/Shanghai");
    }
    boolean rangeGiven = !call.query("start_timestamp").isEmpty();
    TimeRange range = TimeRange.of(call, api.clock().millis(), rangeGiven ? MAX_DAYS : 7);
    List<Object> args = new ArrayList<>(List.of(span, zone, range.startSeconds(), range.endSeconds()));
    StringBuilder where = new StringBuilder(" WHERE type IN (" + UsageEvent.TYPE_CONSUME + ", "
        + UsageEvent.TYPE_ERROR + ") AND created_at BETWEEN $3 AND $4");
    Long channel = call.queryLong("channel");
    if (channel != null && channel != 0) {
      args.add(channel.intValue());
      where.append(" AND channel_id = $").append(args.size());
    }
    String model = call.query("model");
    if (model.length() > 255) {
      throw ApiException.badRequest("model is too long");
    }
    if (!model.isEmpty()) {
      args.add(model);
      where.append(" AND model_name = $").append(args.size());
    }
    String bucket = "extract(epoch FROM date_trunc($1, to_timestamp(created_at) AT TIME ZONE $2) AT TIME ZONE $2)";
    String sql = "SELECT " + bucket + "::bigint AS ts, model_name, count(DISTINCT request_id) AS requests, "
        + "count(*) FILTER (WHERE type = " + UsageEvent.TYPE_ERROR + ") AS exceptions, "
        + "COALESCE(sum(quota), 0) AS quota, COALESCE(sum(prompt_tokens), 0) AS input, "
        + "COALESCE(sum(completion_tokens), 0) AS output, "
        + "COALESCE(sum(elapsed_time) FILTER (WHERE type = " + UsageEvent.TYPE_CONSUME + "), 0) AS time "
        + "FROM logs" + where + " GROUP BY 1, 2 ORDER BY 1, 2";
    Integer channelId = channel == null || channel == 0 ? null : channel.intValue();
    return Paging.perUnit(api).compose(perUnit -> api.pg().preparedQuery(sql).execute(Tuple.from(args))
        .map(rows -> {
          Map<Long, JsonArray> buckets = new LinkedHashMap<>();
          for (Row r : rows) {
            buckets.computeIfAbsent(r.getLong("ts"), ts -> new JsonArray()).add(item(r, perUnit, channelId));
          }
          JsonArray out = new JsonArray();
          buckets.forEach((ts, summary) -> out.add(new JsonObject().put("timestamp", ts).put("summary", summary)));
          return out;
        }));
  }

  private static JsonObject item(Row r, double perUnit, Integer channelId) {
    long input = r.getLong("input");
    long output = r.getLong("output");
    JsonObject item = new JsonObject()
        .put("model", r.getString("model_name"))
        .put("request_count", r.getLong("requests"))
        .put("used_amount", r.getLong("quota") / perUnit)
        .put("exception_count", r.getLong("exceptions"))
        .put("total_time_milliseconds", r.getLong("time"))
        .put("total_ttfb_milliseconds", 0)
        .put("input_tokens", input)
        .put("output_tokens", output)
        .put("total_tokens", input + output)
        .put("max_rpm", 0)
        .put("max_tpm", 0)
        .put("cache_hit_count", 0);
    if (channelId != null) {
      item.put("channel_id", channelId);
    }
    return item;
  }
}
