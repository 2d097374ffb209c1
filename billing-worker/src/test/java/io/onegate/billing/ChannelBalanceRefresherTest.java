package io.onegate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.billing.channels.BalanceFetcher;
import io.onegate.billing.channels.ChannelBalanceRefresher;
import io.onegate.common.crypto.KeyCipher;
import io.onegate.common.domain.ChannelRepository;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Channel balances from a fake upstream speaking each provider's documented billing endpoint: OpenAI
 * subscription + usage, credit grants, DeepSeek, SiliconFlow, OpenRouter; POLLING_INTERVAL paused between channels;
 * an unsupported type and a failing upstream leave the stored balance alone.
 */
class ChannelBalanceRefresherTest {
  private static ProcessRuntime runtime;
  private static HttpServer upstream;
  private static final List<Long> requestTimes = new CopyOnWriteArrayList<>();
  private static final Map<String, String> authSeen = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    runtime = get(ProcessRuntime.start(TestInfra.get().freshConfig()));
    upstream = get(runtime.vertx().createHttpServer().requestHandler(req -> {
      requestTimes.add(System.nanoTime());
      authSeen.put(req.path(), String.valueOf(req.getHeader("Authorization")));
      JsonObject body = switch (req.path()) {
        case "/openai/v1/dashboard/billing/subscription" -> new JsonObject().put("hard_limit_usd", 120.0);
        case "/openai/v1/dashboard/billing/usage" -> new JsonObject().put("total_usage", 2050.0); // cents
        case "/closeai/dashboard/billing/credit_grants" -> new JsonObject().put("total_available", 33.5);
        case "/deepseek/user/balance" -> new JsonObject().put("is_available", true).put("balance_infos",
            new JsonArray().add(new JsonObject().put("currency", "USD").put("total_balance", "1.00"))
                .add(new JsonObject().put("currency", "CNY").put("total_balance", "110.25")));
        case "/silicon/v1/user/info" -> new JsonObject().put("data", new JsonObject().put("totalBalance", "9.87"));
        case "/openrouter/v1/credits" -> new JsonObject().put("data", new JsonObject().put("total_credits", 50)
            .put("total_usage", 12.5));
        default -> null;
      };
      if (body == null) {
        req.response().setStatusCode(500).end("{\"error\":\"boom\"}");
      } else {
        req.response().putHeader("content-type", "application/json").end(body.encode());
      }
    }).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.closeBlocking(Duration.ofSeconds(15));
    }
  }

  @Test
  void refreshesSupportedChannelsOneAfterAnother() throws Exception {
    String base = "http://127.0.0.1:" + upstream.actualPort();
    Map<String, Integer> ids = new HashMap<>();
    ids.put("openai", channel(1, base + "/openai"));
    ids.put("closeai", channel(4, base + "/closeai"));
    ids.put("deepseek", channel(36, base + "/deepseek"));
    ids.put("silicon", channel(44, base + "/silicon"));
    ids.put("openrouter", channel(20, base + "/openrouter"));
    ids.put("broken", channel(8, base + "/broken"));
    ids.put("anthropic", channel(14, base + "/anthropic"));
    Clock clock = Clock.systemUTC();
    ChannelBalanceRefresher refresher = new ChannelBalanceRefresher(runtime.vertx(), runtime.pg(),
        new ChannelRepository(runtime.pg(), KeyCipher.fromConfig(runtime.config())),
        new BalanceFetcher(WebClient.create(runtime.vertx()), clock), clock, Duration.ofMillis(300));
    int updated = get(refresher.refreshAll());
    assertThat(updated).isEqualTo(5);
    assertThat(balance(ids.get("openai"))).isEqualTo(120.0 - 20.5);
    assertThat(balance(ids.get("closeai"))).isEqualTo(33.5);
    assertThat(balance(ids.get("deepseek"))).isEqualTo(110.25);
    assertThat(balance(ids.get("silicon"))).isEqualTo(9.87);
    assertThat(balance(ids.get("openrouter"))).isEqualTo(37.5);
    assertThat(balance(ids.get("broken"))).isEqualTo(-1.0);   // failed upstream: unchanged
    assertThat(balance(ids.get("anthropic"))).isEqualTo(-1.0); // no balance API: untouched, never called
    assertThat(authSeen.get("/deepseek/user/balance")).isEqualTo("Bearer sk-test-36");
    assertThat(authSeen).doesNotContainKey("/anthropic");
    // POLLING_INTERVAL: successive channels are separated by the pause (the OpenAI channel makes two calls)
    List<Long> channelStarts = List.of(requestTimes.get(0), requestTimes.get(2), requestTimes.get(3),
        requestTimes.get(4), requestTimes.get(5), requestTimes.get(6));
    for (int i = 1; i < channelStarts.size(); i++) {
      assertThat(TimeUnit.NANOSECONDS.toMillis(channelStarts.get(i) - channelStarts.get(i - 1)))
          .as("pause before channel %d", i).isGreaterThanOrEqualTo(300);
    }
    Row row = get(runtime.pg().preparedQuery("SELECT status, balance_updated_time FROM channels WHERE id = $1")
        .execute(Tuple.of(ids.get("openai")))).iterator().next();
    assertThat(row.getInteger(0)).isEqualTo(1);
    assertThat(row.getLong(1)).isGreaterThan(0);
  }

  private static int channel(int type, String baseUrl) throws Exception {
    return get(runtime.pg().preparedQuery("INSERT INTO channels (type, key, name, base_url, balance) "
        + "VALUES ($1, $2, $3, $4, -1) RETURNING id").execute(Tuple.of(type, "sk-test-" + type, "c" + type, baseUrl)))
        .iterator().next().getInteger(0);
  }

  private static double balance(int id) throws Exception {
    return get(runtime.pg().preparedQuery("SELECT balance FROM channels WHERE id = $1").execute(Tuple.of(id)))
        .iterator().next().getDouble(0);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
