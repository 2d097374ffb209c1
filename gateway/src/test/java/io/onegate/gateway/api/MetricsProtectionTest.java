package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Settings;
import io.onegate.common.process.MetricsEndpoint;
import io.onegate.common.process.ProcessEndpoints;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.common.process.WorkerHttpServer;
import io.onegate.embedded.FreePorts;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 finding 6, {@code /metrics} is public: with METRICS_PORT it leaves every process's main port (gateway,
 * workers) for a server of its own on METRICS_BIND_ADDRESS, and with METRICS_TOKEN it answers only
 * {@code Authorization: Bearer <token>}.
 */
class MetricsProtectionTest {
  private static final String TOKEN = "scrape-token-0123456789";
  private static int metricsPort;
  private static ApiHarness h;

  @BeforeAll
  static void start() throws Exception {
    metricsPort = FreePorts.find();
    h = ApiHarness.start(1, Map.of(Settings.METRICS_TOKEN.name(), TOKEN,
        Settings.METRICS_PORT.name(), String.valueOf(metricsPort)));
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  private static HttpResponse<Buffer> get(int port, String path, String authorization) {
    HttpRequest<Buffer> req = h.web.get(port, "127.0.0.1", path);
    if (authorization != null) {
      req.putHeader("Authorization", authorization);
    }
    return ApiHarness.await(req.send(), 30);
  }

  @Test
  void metricsLeaveTheMainPortsForTheirOwnPortAndNeedTheToken() {
    int gateway = h.apps.get(0).port();
    assertThat(get(gateway, "/metrics", "Bearer " + TOKEN).statusCode()).as("not on the gateway's port")
        .isEqualTo(404);
    assertThat(get(gateway, "/healthz", null).statusCode()).isEqualTo(200);
    ProcessRuntime runtime = h.runtimes.get(0);
    HttpServer worker = ApiHarness.await(WorkerHttpServer.start(runtime, 0), 10);
    try {
      assertThat(get(worker.actualPort(), "/metrics", "Bearer " + TOKEN).statusCode()).as("nor on a worker's")
          .isEqualTo(404);
      assertThat(get(worker.actualPort(), "/readyz", null).statusCode()).isEqualTo(200);
    } finally {
      ApiHarness.await(worker.close(), 10);
    }
    for (String bad : new String[] {null, "Bearer wrong-token", "Bearer " + TOKEN + "x", TOKEN, "Basic " + TOKEN}) {
      HttpResponse<Buffer> refused = get(metricsPort, "/metrics", bad);
      assertThat(refused.statusCode()).as(String.valueOf(bad)).isEqualTo(401);
      assertThat(refused.getHeader("WWW-Authenticate")).startsWith("Bearer");
      assertThat(refused.bodyAsString()).doesNotContain("jvm_");
    }
    HttpResponse<Buffer> scraped = get(metricsPort, "/metrics", "Bearer " + TOKEN);
    assertThat(scraped.statusCode()).isEqualTo(200);
    assertThat(scraped.bodyAsString()).contains("jvm_memory_used_bytes");
  }

  @Test
  void onTheMainPortTheTokenIsCheckedToo() {
    ProcessRuntime runtime = h.runtimes.get(0);
    Router router = Router.router(runtime.vertx());
    MetricsEndpoint onMainPort = new MetricsEndpoint(runtime.metrics(), Optional.of(TOKEN), 0, "127.0.0.1");
    ProcessEndpoints.mount(router, runtime.readiness(), onMainPort);
    HttpServer server = ApiHarness.await(runtime.vertx().createHttpServer().requestHandler(router)
        .listen(0, "127.0.0.1"), 10);
    try {
      assertThat(get(server.actualPort(), "/metrics", null).statusCode()).isEqualTo(401);
      assertThat(get(server.actualPort(), "/metrics", "bearer " + TOKEN).statusCode()).isEqualTo(200);
      MetricsEndpoint open = new MetricsEndpoint(runtime.metrics(), Optional.empty(), 0, "127.0.0.1");
      Router openRouter = Router.router(runtime.vertx());
      open.mountOn(openRouter);
      HttpServer openServer = ApiHarness.await(runtime.vertx().createHttpServer().requestHandler(openRouter)
          .listen(0, "127.0.0.1"), 10);
      assertThat(get(openServer.actualPort(), "/metrics", null).statusCode()).as("no token set: open, as before")
          .isEqualTo(200);
      ApiHarness.await(openServer.close(), 10);
    } finally {
      ApiHarness.await(server.close(), 10);
    }
  }
}
