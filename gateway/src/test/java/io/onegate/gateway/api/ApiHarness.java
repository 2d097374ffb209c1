package io.onegate.gateway.api;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.gateway.GatewayApplication;
import io.onegate.health.HealthWorkerApplication;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One or more real gateway nodes (ProcessRuntime + GatewayApplication) on a fresh database, optionally a health
 * worker next to the first (channel tests), and HTTP clients.
 */
final class ApiHarness implements AutoCloseable {
  final Config config;
  final List<ProcessRuntime> runtimes = new ArrayList<>();
  final List<GatewayApplication> apps = new ArrayList<>();
  private final List<ProcessMain.Application> workers = new ArrayList<>();
  final WebClient web;

  private ApiHarness(Config config, int nodes, boolean healthWorker) throws Exception {
    this.config = config;
    for (int i = 0; i < nodes; i++) {
      Config node = i == 0 ? config : config.with(Settings.PORT, io.onegate.embedded.FreePorts.find());
      ProcessRuntime runtime = await(ProcessRuntime.start(node), 90);
      runtimes.add(runtime);
      apps.add((GatewayApplication) await(GatewayApplication.start(runtime), 30));
    }
    if (healthWorker) {
      workers.add(await(HealthWorkerApplication.start(runtimes.get(0)), 60));
    }
    web = WebClient.create(runtimes.get(0).vertx());
  }

  /** Starts {@code nodes} gateways; defaults lift the login and API limits so tests can log in freely. */
  static ApiHarness start(int nodes, Map<String, String> overrides) throws Exception {
    return start(nodes, overrides, false);
  }

  /** As {@link #start(int, Map)}, with a health worker on the first node's runtime when {@code healthWorker}. */
  static ApiHarness start(int nodes, Map<String, String> overrides, boolean healthWorker) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put(Settings.CRITICAL_RATE_LIMIT.name(), "100000");
    env.put(Settings.GLOBAL_API_RATE_LIMIT.name(), "0");
    env.putAll(overrides);
    return new ApiHarness(TestInfra.get().freshConfig(env), nodes, healthWorker);
  }

  static ApiHarness start() throws Exception {
    return start(1, Map.of());
  }

  ApiClient client() {
    return client(0);
  }

  ApiClient client(int node) {
    return new ApiClient(web, apps.get(node).port());
  }

  /** A client logged in as {@code username}. */
  ApiClient login(String username, String password) {
    ApiClient c = client();
    ApiClient.Resp r = c.post("/api/user/login", new io.vertx.core.json.JsonObject().put("username", username)
        .put("password", password));
    if (!r.success()) {
      throw new AssertionError("login of " + username + " failed: " + r.raw());
    }
    return c;
  }

  ApiClient root() {
    return login("root", "123456");
  }

  /** Creates a user through the API as root (role 1 or 10) and returns its id. */
  int createUser(ApiClient root, String username, String password, int role) {
    ApiClient.Resp r = root.post("/api/user/", new io.vertx.core.json.JsonObject().put("username", username)
        .put("password", password).put("display_name", username));
    if (!r.success()) {
      throw new AssertionError("create user failed: " + r.raw());
    }
    int id = sql("SELECT id FROM users WHERE username = $1", username).iterator().next().getInteger(0);
    if (role == Roles.ADMIN) {
      ApiClient.Resp p = root.post("/api/user/manage", new io.vertx.core.json.JsonObject().put("username", username)
          .put("action", "promote"));
      if (!p.success()) {
        throw new AssertionError("promote failed: " + p.raw());
      }
    }
    return id;
  }

  /** The vault the gateways store relay keys and access tokens with (opens {@code key_sealed}). */
  io.onegate.common.crypto.TokenVault vault() {
    return io.onegate.common.crypto.TokenVault.fromConfig(config);
  }

  RowSet<Row> sql(String query, Object... args) {
    return await(runtimes.get(0).pg().preparedQuery(query).execute(Tuple.from(args)), 10);
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
    web.close();
    for (ProcessMain.Application worker : workers) {
      ProcessRuntime.awaitQuietly(worker.stop(), Duration.ofSeconds(5));
    }
    for (int i = apps.size() - 1; i >= 0; i--) {
      ProcessRuntime.awaitQuietly(apps.get(i).stop(), Duration.ofSeconds(5));
    }
    for (int i = runtimes.size() - 1; i >= 0; i--) {
      runtimes.get(i).closeBlocking(Duration.ofSeconds(15));
    }
  }
}
