package io.onegate.gateway.web;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.gateway.GatewayApplication;
import io.onegate.health.HealthWorkerApplication;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The real system behind the console's browser tests: a gateway node and a health worker (for "test channel") on
 * one clustered runtime over TestInfra's real PostgreSQL, Kafka and Hazelcast, and a fake OpenAI upstream (the
 * only faked part). Seeds and checks through the real {@code /api} as root (its access token) and through SQL.
 */
final class ConsoleStack implements AutoCloseable {
  /** Root's management access token, set at first start (INITIAL_ROOT_ACCESS_TOKEN). */
  static final String ROOT_ACCESS_TOKEN = "console-test-root-access-token1";

  final Config config;
  final ProcessRuntime runtime;
  final HttpServer upstream;
  /** Every request the fake upstream received: "METHOD path Authorization". */
  final List<String> upstreamCalls;
  private final List<ProcessMain.Application> apps;
  private final WebClient web;

  private ConsoleStack(Config config, ProcessRuntime runtime, List<ProcessMain.Application> apps,
                       HttpServer upstream, List<String> upstreamCalls) {
    this.config = config;
    this.runtime = runtime;
    this.apps = apps;
    this.upstream = upstream;
    this.upstreamCalls = upstreamCalls;
    this.web = WebClient.create(runtime.vertx());
  }

  /** Settings of a fresh stack: its own database; login and API limits lifted (many logins from one IP). */
  static Config freshConfig() {
    return TestInfra.get().freshConfig(Map.of(
        Settings.INITIAL_ROOT_ACCESS_TOKEN.name(), ROOT_ACCESS_TOKEN,
        Settings.CRITICAL_RATE_LIMIT.name(), "100000",
        Settings.GLOBAL_API_RATE_LIMIT.name(), "0"));
  }

  /** Starts everything (blocking; call off the browser's thread to overlap with Chromium's start). */
  static ConsoleStack start(Config config) {
    ProcessRuntime runtime = await(ProcessRuntime.start(config), 90);
    List<String> calls = new CopyOnWriteArrayList<>();
    HttpServer upstream = await(runtime.vertx().createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      calls.add(req.method() + " " + req.path() + " " + req.getHeader("Authorization"));
      String model = body.length() > 0 && body.toString().trim().startsWith("{")
          ? body.toJsonObject().getString("model", "gpt-3.5-turbo") : "gpt-3.5-turbo";
      JsonObject reply = new JsonObject().put("id", "chatcmpl-console").put("object", "chat.completion")
          .put("created", System.currentTimeMillis() / 1000).put("model", model)
          .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop")
              .put("message", new JsonObject().put("role", "assistant").put("content", model))))
          .put("usage", new JsonObject().put("prompt_tokens", 9).put("completion_tokens", 3).put("total_tokens", 12));
      req.response().putHeader("content-type", "application/json").end(reply.encode());
    })).listen(0, "127.0.0.1"), 10);
    var started = await(Future.all(GatewayApplication.start(runtime), HealthWorkerApplication.start(runtime)), 60);
    List<ProcessMain.Application> apps = new ArrayList<>();
    for (int i = 0; i < started.size(); i++) {
      apps.add(started.resultAt(i));
    }
    return new ConsoleStack(config, runtime, apps, upstream, calls);
  }

  int port() {
    return config.get(Settings.PORT);
  }

  String upstreamUrl() {
    return "http://127.0.0.1:" + upstream.actualPort();
  }

  /** Calls /api as root (access token) and returns the envelope. */
  JsonObject api(HttpMethod method, String path, JsonObject body) {
    return send(method, path, body, Map.of("Authorization", ROOT_ACCESS_TOKEN)).bodyAsJsonObject();
  }

  /** Like {@link #api} but fails unless the envelope says success; returns its data. */
  Object ok(HttpMethod method, String path, JsonObject body) {
    JsonObject envelope = api(method, path, body);
    if (!envelope.getBoolean("success", false)) {
      throw new AssertionError(method + " " + path + " failed: " + envelope.encode());
    }
    return envelope.getValue("data");
  }

  /** Calls /api with a session cookie (no custom header: none is needed); returns the envelope. */
  JsonObject apiAs(String cookie, HttpMethod method, String path, JsonObject body) {
    return send(method, path, body, Map.of("Cookie", cookie)).bodyAsJsonObject();
  }

  /** Logs in through POST /api/user/login; the session cookie, or null when the login is refused. */
  String login(String username, String password) {
    HttpResponse<Buffer> r = send(HttpMethod.POST, "/api/user/login",
        new JsonObject().put("username", username).put("password", password), Map.of());
    if (!r.bodyAsJsonObject().getBoolean("success", false)) {
      return null;
    }
    return r.cookies().stream().map(c -> c.split(";", 2)[0]).filter(c -> c.startsWith("session="))
        .findFirst().orElseThrow(() -> new AssertionError("login without a session cookie"));
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, JsonObject body, Map<String, String> headers) {
    HttpRequest<Buffer> request = web.request(method, port(), "127.0.0.1", path);
    headers.forEach(request::putHeader);
    return await(body == null ? request.send() : request.sendJsonObject(body), 30);
  }

  /** Runs SQL on the stack's database. */
  RowSet<Row> sql(String sql, Object... args) {
    return await(runtime.pg().preparedQuery(sql).execute(Tuple.from(args)), 30);
  }

  /** The first row of a query (fails when there is none). */
  Row row(String sql, Object... args) {
    RowSet<Row> rows = sql(sql, args);
    if (rows.size() == 0) {
      throw new AssertionError("no row for: " + sql);
    }
    return rows.iterator().next();
  }

  long count(String sql, Object... args) {
    return row(sql, args).getLong(0);
  }

  static <T> T await(Future<T> future, int seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (int i = apps.size() - 1; i >= 0; i--) {
      ProcessRuntime.awaitQuietly(apps.get(i).stop(), Duration.ofSeconds(10));
    }
    ProcessRuntime.awaitQuietly(upstream.close(), Duration.ofSeconds(5));
    web.close();
    runtime.closeBlocking(Duration.ofSeconds(15));
  }
}
