package io.onegate.gateway;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BooleanSupplier;
import io.vertx.ext.web.Router;

/**
 * One HTTP server on its own event loop, serving a shared (thread-safe) router. Several instances on one port
 * share the listening socket and Vert.x spreads connections across their event loops.
 */
final class HttpServerVerticle extends VerticleBase {
  private final Router router;
  private final HttpServerOptions options;
  private final int port;
  private final BooleanSupplier draining;
  private HttpServer server;

  private HttpServerVerticle(Router router, HttpServerOptions options, int port, BooleanSupplier draining) {
    this.router = router;
    this.options = options;
    this.port = port;
    this.draining = draining;
  }

  /** Deployed servers: the port they listen on; {@link #close} stops them all, {@link #shutdown} gracefully. */
  record Servers(Vertx vertx, int port, java.util.List<String> deployments, java.util.List<HttpServerVerticle> all) {
    Future<Void> close() {
      return Future.join(deployments.stream().map(vertx::undeploy).toList()).mapEmpty();
    }

    /**
     * Stops accepting connections (the shared listening socket closes), lets the requests and streams in flight
     * finish for at most {@code timeout} (idle keep-alive connections close at once, busy ones after their
     * response), then undeploys.
     */
    Future<Void> shutdown(java.time.Duration timeout) {
      return Future.join(all.stream().map(v -> v.shutdown(timeout)).toList()).eventually(this::close).mapEmpty();
    }
  }

  /**
   * Deploys {@code instances} servers on {@code port} (0 = a free port, chosen by the first instance and shared by
   * the others).
   */
  static Future<Servers> deploy(Vertx vertx, Router router, HttpServerOptions options, int port, int instances,
                                BooleanSupplier draining) {
    HttpServerVerticle first = new HttpServerVerticle(router, options, port, draining);
    java.util.List<HttpServerVerticle> all = new java.util.concurrent.CopyOnWriteArrayList<>();
    all.add(first);
    return vertx.deployVerticle(first).compose(firstId -> {
      int actual = first.server.actualPort();
      if (instances <= 1) {
        return Future.succeededFuture(new Servers(vertx, actual, java.util.List.of(firstId), all));
      }
      return vertx.deployVerticle(() -> {
            HttpServerVerticle next = new HttpServerVerticle(router, options, actual, draining);
            all.add(next);
            return next;
          }, new DeploymentOptions().setInstances(instances - 1))
          .map(rest -> new Servers(vertx, actual, java.util.List.of(firstId, rest), all));
    });
  }

  private Future<Void> shutdown(java.time.Duration timeout) {
    return server == null ? Future.succeededFuture()
        : server.shutdown(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(options).requestHandler(this::handle).listen(port, options.getHost())
        .onSuccess(s -> server = s);
  }

  /**
   * While the process drains, every response says {@code Connection: close}: clients stop reusing their
   * connections before the listener closes, so none sends a request on a connection the shutdown is closing.
   */
  private void handle(HttpServerRequest request) {
    if (draining.getAsBoolean()) {
      request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    router.handle(request);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
