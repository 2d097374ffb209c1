package io.onegate.common.process;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * A process's Prometheus metrics at {@code /metrics}: on the process's own HTTP port, or, with {@code METRICS_PORT},
 * on a server of their own bound to {@code METRICS_BIND_ADDRESS} (and then absent from the main port); with
 * {@code METRICS_TOKEN} only for {@code Authorization: Bearer <token>} (compared in constant time; otherwise 401).
 * One per {@link ProcessRuntime}: processes sharing a runtime (the standalone launcher) share it.
 */
public final class MetricsEndpoint {
  private final PrometheusMeterRegistry registry;
  private final Optional<byte[]> token;
  private final int port;
  private final String bindAddress;

  public MetricsEndpoint(PrometheusMeterRegistry registry, Optional<String> token, int port, String bindAddress) {
    this.registry = registry;
    this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    this.port = port;
    this.bindAddress = bindAddress;
  }

  public static MetricsEndpoint fromConfig(Config config, PrometheusMeterRegistry registry) {
    return new MetricsEndpoint(registry, config.find(Settings.METRICS_TOKEN), config.get(Settings.METRICS_PORT),
        config.get(Settings.METRICS_BIND_ADDRESS));
  }

  /** Mounts {@code /metrics} on a process's main router, unless the metrics have a server of their own. */
  public void mountOn(Router router) {
    if (port == 0) {
      router.get("/metrics").handler(handler());
    }
  }

  /** Starts the metrics' own server when {@code METRICS_PORT} is set; the port it listens on, else 0. */
  public Future<Integer> listen(Vertx vertx) {
    if (port == 0) {
      return Future.succeededFuture(0);
    }
    Router router = Router.router(vertx);
    router.get("/metrics").handler(handler());
    return vertx.createHttpServer(new HttpServerOptions()).requestHandler(router).listen(port, bindAddress)
        .map(server -> server.actualPort());
  }

  private Handler<RoutingContext> handler() {
    Handler<RoutingContext> scrape = PrometheusScrapingHandler.create(registry);
    if (token.isEmpty()) {
      return scrape;
    }
    return ctx -> {
      if (authorized(ctx.request().getHeader("Authorization"))) {
        scrape.handle(ctx);
      } else {
        ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"")
            .putHeader("content-type", "text/plain; charset=utf-8")
            .end("metrics need Authorization: Bearer <METRICS_TOKEN>\n");
      }
    };
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(presented, token.get());
  }
}
