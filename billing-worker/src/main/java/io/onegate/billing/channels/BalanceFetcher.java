package io.onegate.billing.channels;

import io.onegate.common.domain.Channel;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a channel's remaining balance from its provider, for the channel types One API supports (reference §2.5):
 * OpenAI-style subscription minus usage (OpenAI, Custom), credit grants (CloseAI, API2GPT, AIGC2D), OpenAI-SB,
 * AIProxy, OpenRouter credits, DeepSeek (CNY) and SiliconFlow. Empty for other types. The key goes only into the
 * request's auth header; it is never logged.
 */
public final class BalanceFetcher {
  private static final Map<Integer, String> DEFAULT_BASE = Map.of(
      1, "https://api.openai.com", 4, "https://api.closeai-proxy.xyz", 5, "https://api.openai-sb.com",
      10, "https://aiproxy.io", 12, "https://api.api2gpt.com", 13, "https://api.aigc2d.com",
      20, "https://openrouter.ai/api", 36, "https://api.deepseek.com", 44, "https://api.siliconflow.cn");

  private final WebClient http;
  private final Clock clock;

  public BalanceFetcher(WebClient http, Clock clock) {
    this.http = http;
    this.clock = clock;
  }

  public static boolean supports(int type) {
    return type == 8 || DEFAULT_BASE.containsKey(type);
  }

  /** The balance in the provider's unit (USD; CNY for DeepSeek and SiliconFlow), or empty when unsupported. */
  public Future<Optional<Double>> fetch(Channel channel) {
    String base = channel.baseUrl().isEmpty() ? DEFAULT_BASE.getOrDefault(channel.type(), "") : channel.baseUrl();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String key = channel.key();
    return switch (channel.type()) {
      case 1, 8 -> openAi(base, key).map(Optional::of);
      case 4, 13 -> get(base + "/dashboard/billing/credit_grants", key)
          .map(j -> Optional.of(j.getDouble("total_available", 0.0)));
      case 12 -> get(base + "/dashboard/billing/credit_grants", key)
          .map(j -> Optional.of(j.getDouble("total_remaining", 0.0)));
      case 5 -> get(base + "/sb-api/user/status?api_key=" + key, null)
          .map(j -> Optional.of(number(j.getJsonObject("data", new JsonObject()).getValue("credit"))));
      case 10 -> getWith(base + "/api/report/getUserOverview", "Api-Key", key)
          .map(j -> Optional.of(number(j.getJsonObject("data", new JsonObject()).getValue("totalPoints"))));
      case 20 -> get(base + "/v1/credits", key).map(j -> {
        JsonObject d = j.getJsonObject("data", new JsonObject());
        return Optional.of(number(d.getValue("total_credits")) - number(d.getValue("total_usage")));
      });
      case 36 -> get(base + "/user/balance", key).map(j -> {
        JsonArray infos = j.getJsonArray("balance_infos", new JsonArray());
        for (int i = 0; i < infos.size(); i++) {
          JsonObject info = infos.getJsonObject(i);
          if ("CNY".equals(info.getString("currency"))) {
            return Optional.of(number(info.getValue("total_balance")));
          }
        }
        return Optional.of(0.0);
      });
      case 44 -> get(base + "/v1/user/info", key)
          .map(j -> Optional.of(number(j.getJsonObject("data", new JsonObject()).getValue("totalBalance"))));
      default -> Future.succeededFuture(Optional.empty());
    };
  }

  /** hard_limit_usd of the subscription minus the last 100 days' usage (cents). */
  private Future<Double> openAi(String base, String key) {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    return get(base + "/v1/dashboard/billing/subscription", key).compose(sub -> {
      double limit = sub.getDouble("hard_limit_usd", 0.0);
      return get(base + "/v1/dashboard/billing/usage?start_date=" + today.minusDays(100) + "&end_date="
          + today.plusDays(1), key).map(usage -> limit - usage.getDouble("total_usage", 0.0) / 100.0);
    });
  }

  private Future<JsonObject> get(String url, String bearer) {
    return getWith(url, bearer == null ? null : "Authorization", bearer == null ? null : "Bearer " + bearer);
  }

  private Future<JsonObject> getWith(String url, String header, String value) {
    var request = http.getAbs(url).timeout(15_000);
    if (header != null) {
      request.putHeader(header, value);
    }
    return request.send().compose(BalanceFetcher::json);
  }

  private static Future<JsonObject> json(HttpResponse<Buffer> response) {
    if (response.statusCode() != 200) {
      return Future.failedFuture("upstream answered HTTP " + response.statusCode());
    }
    try {
      return Future.succeededFuture(response.bodyAsJsonObject());
    } catch (RuntimeException e) {
      return Future.failedFuture("upstream answered a body that is not a JSON object");
    }
  }

  private static double number(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }
}
