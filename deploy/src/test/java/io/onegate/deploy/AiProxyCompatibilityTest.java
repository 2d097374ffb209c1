package io.onegate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.billing.BillingWorkerApplication;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.gateway.GatewayApplication;
import io.onegate.health.HealthWorkerApplication;
import io.onegate.testkit.Eventually;
import io.onegate.testkit.FakeOpenAiUpstream;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FastGPT's model and channel management through the AI Proxy admin API, replayed against a real gateway (with a
 * billing worker for the logs and a health worker for channel tests; the upstreams are fakes): the calls and bodies
 * FastGPT's AI Proxy client makes with {@code AIPROXY_API_ENDPOINT=http://onegate/aiproxy} and
 * {@code AIPROXY_API_TOKEN} = root's access token, the fields FastGPT reads from each answer, the relay call with
 * {@code Aiproxy-Channel} of its per-channel model test, and One API's own {@code /api/channel/} routes next to them.
 */
class AiProxyCompatibilityTest {
  private static final String ACCESS = "aiproxy-compat-root-access-tok01";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static ProcessRuntime rt;
  private static final List<ProcessMain.Application> apps = new ArrayList<>();
  private static Vertx fakeVertx;
  private static FakeOpenAiUpstream siliconflow;
  private static FakeOpenAiUpstream openai;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    Config config = TestInfra.get().freshConfig(Map.of(Settings.INITIAL_ROOT_ACCESS_TOKEN.name(), ACCESS,
        Settings.BATCH_UPDATE_ENABLED.name(), "false", Settings.GLOBAL_API_RATE_LIMIT.name(), "0"));
    rt = await(ProcessRuntime.start(config));
    fakeVertx = Vertx.vertx();
    siliconflow = await(new FakeOpenAiUpstream(fakeVertx).start());
    openai = await(new FakeOpenAiUpstream(fakeVertx).start());
    // FastGPT's models need a price (OneGate serves no unpriced model unless SelfUseModeEnabled)
    sql("INSERT INTO options (key, value) VALUES ('ModelRatio', $1)", Tuple.of(new JsonObject()
        .put("Qwen/Qwen2.5-7B-Instruct", 0.1).put("BAAI/bge-m3", 0.01).put("deepseek-ai/DeepSeek-V3", 0.5)
        .encode()));
    apps.add(await(GatewayApplication.start(rt)));
    apps.add(await(BillingWorkerApplication.start(rt)));
    apps.add(await(HealthWorkerApplication.start(rt)));
    base = "http://127.0.0.1:" + config.get(Settings.PORT);
  }

  @AfterAll
  static void stop() {
    apps.forEach(app -> ProcessRuntime.awaitQuietly(app.stop(), Duration.ofSeconds(5)));
    if (rt != null) {
      rt.closeBlocking(Duration.ofSeconds(15));
    }
    if (fakeVertx != null) {
      fakeVertx.close();
    }
  }

  @Test
  void fastGptManagesChannelsAndReadsLogsAndTheDashboard() {
    String endpoint = base + "/aiproxy";

    // type metas: the provider list of FastGPT's channel form
    JsonObject metas = ok(get(endpoint + "/api/channels/type_metas")).getJsonObject("data");
    assertThat(metas.getJsonObject("1").getString("name")).isEqualTo("OpenAI");
    assertThat(metas.getJsonObject("43").getString("name")).isEqualTo("SiliconFlow");
    assertThat(metas.getJsonObject("43").getString("defaultBaseUrl")).isEqualTo("https://api.siliconflow.cn/v1");
    for (String type : metas.fieldNames()) {
      assertThat(metas.getJsonObject(type).fieldNames()).contains("name", "keyHelp", "defaultBaseUrl");
    }

    // create (FastGPT's createChannel: name check on /channels/all, then POST /api/channel/ with AI Proxy's body)
    assertThat(ok(get(endpoint + "/api/channels/all")).getJsonArray("data")).isEmpty();
    JsonObject created = ok(send("POST", endpoint + "/api/channel/", new JsonObject().put("type", 43)
        .put("name", "siliconflow-main").put("base_url", siliconflow.baseUrl() + "/v1")
        .put("models", new JsonArray().add("Qwen/Qwen2.5-7B-Instruct").add("BAAI/bge-m3"))
        .put("model_mapping", new JsonObject()).put("key", "sk-siliconflow-secret-key-0001").put("priority", 1)));
    int sf = created.getJsonObject("data").getInteger("id");
    assertThat(sf).isPositive();
    int oa = ok(send("POST", endpoint + "/api/channel/", new JsonObject().put("type", 1).put("name", "openai-main")
        .put("base_url", openai.baseUrl()).put("models", new JsonArray().add("Qwen/Qwen2.5-7B-Instruct"))
        .put("model_mapping", new JsonObject()).put("key", "sk-openai-secret-key-000000002").put("priority", 100)))
        .getJsonObject("data").getInteger("id");
    Row stored = sql("SELECT type, base_url, models, priority FROM channels WHERE id = $1", Tuple.of(sf))
        .iterator().next();
    assertThat(stored.getInteger("type")).as("AI Proxy's SiliconFlow (43) is OneGate's 44").isEqualTo(44);
    assertThat(stored.getString("base_url")).as("the /v1 OneGate adds itself").isEqualTo(siliconflow.baseUrl());
    assertThat(stored.getString("models")).isEqualTo("Qwen/Qwen2.5-7B-Instruct,BAAI/bge-m3");

    // list: the fields FastGPT reads, keys masked
    JsonArray all = ok(get(endpoint + "/api/channels/all")).getJsonArray("data");
    assertThat(all).hasSize(2);
    JsonObject listed = find(all, sf);
    assertThat(listed.getString("name")).isEqualTo("siliconflow-main");
    assertThat(listed.getInteger("type")).isEqualTo(43);
    assertThat(listed.getInteger("status")).isEqualTo(1);
    assertThat(listed.getJsonArray("models")).containsExactly("Qwen/Qwen2.5-7B-Instruct", "BAAI/bge-m3");
    assertThat(listed.getValue("model_mapping")).isNull();
    assertThat(listed.getLong("priority")).isEqualTo(1);
    assertThat(listed.getLong("created_at")).as("milliseconds").isGreaterThan(1_600_000_000_000L);
    assertThat(listed.getString("key")).doesNotContain("secret").contains("****");
    JsonObject page = ok(get(endpoint + "/api/channels/?page=1&per_page=1")).getJsonObject("data");
    assertThat(page.getLong("total")).isEqualTo(2);
    assertThat(page.getJsonArray("channels")).hasSize(1);
    assertThat(ok(get(endpoint + "/api/channels/?page=1&per_page=100&search=silicon")).getJsonObject("data")
        .getJsonArray("channels")).extracting(o -> ((JsonObject) o).getInteger("id")).containsExactly(sf);
    assertThat(ok(get(endpoint + "/api/channel/" + sf)).getJsonObject("data").getJsonArray("models")).hasSize(2);

    // update: FastGPT sends back the channel as read (masked key, shown type) with a model added
    String keyBefore = sql("SELECT key FROM channels WHERE id = $1", Tuple.of(sf)).iterator().next().getString(0);
    JsonObject update = listed.copy();
    update.put("models", listed.getJsonArray("models").copy().add("deepseek-ai/DeepSeek-V3"))
        .put("model_mapping", new JsonObject().put("qwen", "Qwen/Qwen2.5-7B-Instruct")).put("proxy_url", "")
        .put("configs", (Object) null).put("skip_tls_verify", false);
    JsonObject updated = ok(send("PUT", endpoint + "/api/channel/" + sf, update)).getJsonObject("data");
    assertThat(updated.getJsonArray("models")).contains("deepseek-ai/DeepSeek-V3");
    Row after = sql("SELECT type, key, models, model_mapping FROM channels WHERE id = $1", Tuple.of(sf)).iterator()
        .next();
    assertThat(after.getInteger("type")).isEqualTo(44);
    assertThat(after.getString("key")).as("the masked key sent back keeps the key").isEqualTo(keyBefore);
    assertThat(after.getString("model_mapping")).isEqualTo("{\"qwen\":\"Qwen/Qwen2.5-7B-Instruct\"}");
    assertThat(sql("SELECT count(*) FROM abilities WHERE channel_id = $1", Tuple.of(sf)).iterator().next()
        .getLong(0)).as("abilities rebuilt: three models").isEqualTo(3);

    // the relay with FastGPT's token: the chat path of AIPROXY_API_ENDPOINT/v1, and the per-channel model test
    // (Aiproxy-Channel pins the channel, ahead of the priority-100 one), also of a disabled channel
    HttpResponse<String> chat = relay(endpoint, null, "Qwen/Qwen2.5-7B-Instruct");
    assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
    assertThat(openai.requests()).as("without a pin the priority-100 channel serves").hasSize(1);
    HttpResponse<String> pinned = relay(endpoint, sf, "Qwen/Qwen2.5-7B-Instruct");
    assertThat(pinned.statusCode()).as(pinned.body()).isEqualTo(200);
    assertThat(siliconflow.requests()).hasSize(1);
    assertThat(siliconflow.requests().get(0).headers().get("Authorization"))
        .isEqualTo("Bearer sk-siliconflow-secret-key-0001");
    String pinnedId = pinned.headers().firstValue("X-Oneapi-Request-Id").orElseThrow();

    // disable / enable (status route), then a per-model test through the disabled channel, then AI Proxy's test
    ok(send("POST", endpoint + "/api/channel/" + sf + "/status", new JsonObject().put("status", 2)));
    assertThat(status(sf)).isEqualTo(2);
    assertThat(find(ok(get(endpoint + "/api/channels/all")).getJsonArray("data"), sf).getInteger("status"))
        .isEqualTo(2);
    assertThat(relay(endpoint, sf, "Qwen/Qwen2.5-7B-Instruct").statusCode())
        .as("a disabled channel can still be tested with Aiproxy-Channel").isEqualTo(200);
    assertThat(siliconflow.requests()).hasSize(2);
    ok(send("POST", endpoint + "/api/channel/" + sf + "/status", new JsonObject().put("status", 1)));
    assertThat(status(sf)).isEqualTo(1);
    JsonObject tested = ok(get(endpoint + "/api/channel/" + sf + "/test/"
        + URLEncoder.encode("Qwen/Qwen2.5-7B-Instruct", StandardCharsets.UTF_8))).getJsonObject("data");
    assertThat(tested.getBoolean("success")).isTrue();
    assertThat(tested.getString("model")).isEqualTo("Qwen/Qwen2.5-7B-Instruct");

    // a failing channel: its error is an error row FastGPT's log page finds with code_type=error
    siliconflow.failNext(500, "server_error", null);
    HttpResponse<String> failed = relay(endpoint, sf, "Qwen/Qwen2.5-7B-Instruct");
    assertThat(failed.statusCode()).isEqualTo(500);
    String failedId = failed.headers().firstValue("X-Oneapi-Request-Id").orElseThrow();

    // logs: FastGPT's search (ms timestamps, 1-based page) and detail
    long now = System.currentTimeMillis();
    String range = "&start_timestamp=" + (now - 3_600_000) + "&end_timestamp=" + (now + 60_000);
    Eventually.eventually(Duration.ofSeconds(30), "the billing worker wrote the log rows", () -> sql(
        "SELECT count(*) FROM logs WHERE request_id IN ($1, $2)", Tuple.of(pinnedId, failedId)).iterator().next()
        .getLong(0) == 2);
    JsonObject success = ok(get(endpoint + "/api/logs/search?result_only=true&request_id=" + pinnedId
        + "&code_type=all" + range + "&p=1&per_page=20")).getJsonObject("data");
    assertThat(success.getLong("total")).isEqualTo(1);
    JsonObject log = success.getJsonArray("logs").getJsonObject(0);
    assertThat(log.getString("request_id")).isEqualTo(pinnedId);
    assertThat(log.getInteger("code")).isEqualTo(200);
    assertThat(log.getInteger("channel")).isEqualTo(sf);
    assertThat(log.getString("model")).isEqualTo("Qwen/Qwen2.5-7B-Instruct");
    assertThat(log.getString("token_name")).isEqualTo("access token");
    assertThat(log.getLong("created_at")).isBetween(now - 3_600_000, now + 60_000);
    assertThat(log.getLong("request_at")).isLessThanOrEqualTo(log.getLong("created_at"));
    assertThat(log.getJsonObject("usage").getLong("input_tokens")).isPositive();
    JsonObject errors = ok(get(endpoint + "/api/logs/search?result_only=true&channel=" + sf + "&code_type=error"
        + range + "&p=1&per_page=20")).getJsonObject("data");
    assertThat(errors.getJsonArray("logs")).extracting(o -> ((JsonObject) o).getString("request_id"))
        .containsExactly(failedId);
    JsonObject errorLog = errors.getJsonArray("logs").getJsonObject(0);
    assertThat(errorLog.getInteger("code")).isEqualTo(500);
    assertThat(errorLog.getString("content")).contains("fake failure 500");
    JsonObject detail = ok(get(endpoint + "/api/logs/detail/" + errorLog.getLong("id"))).getJsonObject("data");
    assertThat(detail.getString("request_body")).isEmpty();
    assertThat(detail.getString("response_body")).contains("fake failure 500");

    // dashboard: one day bucket for the model on that channel, with the exception counted
    JsonArray series = ok(get(endpoint + "/api/dashboardv2/?channel=" + sf + "&model="
        + URLEncoder.encode("Qwen/Qwen2.5-7B-Instruct", StandardCharsets.UTF_8) + range
        + "&timezone=Asia/Shanghai&timespan=day")).getJsonArray("data");
    assertThat(series).isNotEmpty();
    JsonObject point = series.getJsonObject(series.size() - 1);
    assertThat(point.getLong("timestamp")).isPositive();
    JsonObject summary = point.getJsonArray("summary").getJsonObject(0);
    assertThat(summary.getString("model")).isEqualTo("Qwen/Qwen2.5-7B-Instruct");
    assertThat(summary.getInteger("channel_id")).isEqualTo(sf);
    assertThat(summary.getLong("request_count")).isGreaterThanOrEqualTo(3);
    assertThat(summary.getLong("exception_count")).isGreaterThanOrEqualTo(1);
    assertThat(summary.getLong("input_tokens")).isPositive();
    assertThat(summary.fieldNames()).contains("used_amount", "total_time_milliseconds", "total_ttfb_milliseconds",
        "output_tokens", "total_tokens", "max_rpm", "max_tpm", "cache_hit_count");

    // group routes: a clear refusal, not a 404
    JsonObject groups = json(get(endpoint + "/api/group/fastgpt:tmb:1/channels/?page=1"));
    assertThat(groups.getBoolean("success")).isFalse();
    assertThat(groups.getString("message")).contains("no per-group");

    // delete
    ok(send("DELETE", endpoint + "/api/channel/" + oa, null));
    assertThat(ok(get(endpoint + "/api/channels/all")).getJsonArray("data")).hasSize(1);
  }

  @Test
  void olderFastGptPathsWithoutThePrefixAndOneApisOwnChannelRoutesLiveSideBySide() {
    // One API's create (models a comma string) and get (One API's shape) are untouched under /api
    JsonObject created = ok(send("POST", base + "/api/channel/", new JsonObject().put("type", 1)
        .put("name", "one-api-style").put("key", "sk-one-api-style-key-000001").put("models", "gpt-4o-mini")
        .put("group", "default")));
    int id = created.getJsonObject("data").getJsonArray("ids").getInteger(0);
    JsonObject oneApi = ok(get(base + "/api/channel/" + id)).getJsonObject("data");
    assertThat(oneApi.getString("models")).isEqualTo("gpt-4o-mini");
    assertThat(oneApi.getLong("created_time")).isPositive();
    JsonObject aiProxy = ok(get(base + "/aiproxy/api/channel/" + id)).getJsonObject("data");
    assertThat(aiProxy.getJsonArray("models")).containsExactly("gpt-4o-mini");

    // FastGPT's older admin proxy drops the endpoint's path: its calls arrive without /aiproxy
    JsonObject sent = ok(send("POST", base + "/api/channel/", new JsonObject().put("type", 1)
        .put("name", "older-fastgpt").put("base_url", openai.baseUrl() + "/v1")
        .put("models", new JsonArray().add("gpt-4o-mini")).put("model_mapping", new JsonObject())
        .put("key", "sk-older-fastgpt-key-0000001").put("priority", 1)));
    int older = sent.getJsonObject("data").getInteger("id");
    assertThat(find(ok(get(base + "/api/channels/all")).getJsonArray("data"), older).getJsonArray("models"))
        .containsExactly("gpt-4o-mini");
    ok(send("PUT", base + "/api/channel/" + older, new JsonObject().put("type", 1).put("name", "older-fastgpt-2")
        .put("base_url", openai.baseUrl()).put("models", new JsonArray().add("gpt-4o-mini").add("gpt-4o"))
        .put("model_mapping", new JsonObject()).put("key", "").put("status", 1).put("priority", 5)));
    assertThat(sql("SELECT name, models, priority FROM channels WHERE id = $1", Tuple.of(older)).iterator().next()
        .getString("models")).isEqualTo("gpt-4o-mini,gpt-4o");
    ok(send("POST", base + "/api/channel/" + older + "/status", new JsonObject().put("status", 2)));
    assertThat(status(older)).isEqualTo(2);
    assertThat(ok(get(base + "/api/logs/search?result_only=true&code_type=all&p=1&per_page=10"))
        .getJsonObject("data").getValue("logs")).isInstanceOf(JsonArray.class);
    ok(send("DELETE", base + "/api/channel/" + older, null));
    ok(send("DELETE", base + "/api/channel/" + id, null));

    // the admin API wants an administrator: no credential 401, an unknown token refused
    HttpResponse<String> anonymous = request("GET", base + "/aiproxy/api/channels/all", null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(json(request("GET", base + "/aiproxy/api/channels/all", null, "not-a-token")).getBoolean("success"))
        .isFalse();
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private static HttpResponse<String> relay(String endpoint, Integer channel, String model) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + ACCESS)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
            .put("model", model).put("messages", new JsonArray().add(new JsonObject().put("role", "user")
                .put("content", "hi"))).put("max_tokens", 8).encode()));
    if (channel != null) {
      b.header("Aiproxy-Channel", String.valueOf(channel));
    }
    return send(b);
  }

  private static JsonObject find(JsonArray channels, int id) {
    return channels.stream().map(o -> (JsonObject) o).filter(o -> o.getInteger("id") == id).findFirst()
        .orElseThrow(() -> new AssertionError("channel " + id + " not listed: " + channels.encode()));
  }

  private static int status(int id) {
    return sql("SELECT status FROM channels WHERE id = $1", Tuple.of(id)).iterator().next().getInteger(0);
  }

  /** The envelope of a successful answer (HTTP 200, success true). */
  private static JsonObject ok(HttpResponse<String> r) {
    JsonObject envelope = json(r);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(envelope.getBoolean("success")).as(r.body()).isTrue();
    return envelope;
  }

  private static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  private static HttpResponse<String> get(String url) {
    return request("GET", url, null, ACCESS);
  }

  private static HttpResponse<String> send(String method, String url, JsonObject body) {
    return request(method, url, body, ACCESS);
  }

  /** FastGPT's AI Proxy client: {@code Authorization: Bearer <AIPROXY_API_TOKEN>}, JSON bodies. */
  private static HttpResponse<String> request(String method, String url, JsonObject body, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static RowSet<Row> sql(String query, Tuple args) {
    return await(rt.pg().preparedQuery(query).execute(args));
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
