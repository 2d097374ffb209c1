package io.onegate.gateway;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * One HTTP server on its own event loop, serving a shared (thread-safe) router. Several instances on one port
 * share the listening socket and Vert.x spreads connections across their event loops.
 */
final class HttpServerVerticle extends VerticleBase {
  private final Router router;
  private final HttpServerOptions options;
  private final int port;
  private HttpServer server;

  private HttpServerVerticle(Router router, HttpServerOptions options, int port) {
    this.router = router;
    this.options = options;
    this.port = port;
  }

  /** Deployed servers: the port they listen on; {@link #close} stops them all. */
  record Servers(Vertx vertx, int port, java.util.List<String> deployments) {
    Future<Void> close() {
      return Future.join(deployments.stream().map(vertx::undeploy).toList()).mapEmpty();
    }
  }

  /**
   * Deploys {@code instances} servers on {@code port} (0 = a free port, chosen by the first instance and shared by
   * the others).
   */
  static Future<Servers> deploy(Vertx vertx, Router router, HttpServerOptions options, int port, int instances) {
    HttpServerVerticle first = new HttpServerVerticle(router, options, port);
    return vertx.deployVerticle(first).compose(firstId -> {
      int actual = first.server.actualPort();
      if (instances <= 1) {
        return Future.succeededFuture(new Servers(vertx, actual, java.util.List.of(firstId)));
      }
      return vertx.deployVerticle(() -> new HttpServerVerticle(router, options, actual),
              new DeploymentOptions().setInstances(instances - 1))
          .map(rest -> new Servers(vertx, actual, java.util.List.of(firstId, rest)));
    });
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(options).requestHandler(router).listen(port, options.getHost())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
