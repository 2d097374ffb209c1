package io.onegate.common.process;

import io.onegate.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/** The small HTTP server of a worker process: health, readiness and metrics only. */
public final class WorkerHttpServer {
  private WorkerHttpServer() {
  }

  public static Future<HttpServer> start(ProcessRuntime runtime, int port) {
    Router router = Router.router(runtime.vertx());
    ProcessEndpoints.mount(router, runtime.readiness(), runtime.metricsEndpoint());
    // listen(port) alone would bind 0.0.0.0 whatever the options say.
    return runtime.vertx().createHttpServer(new HttpServerOptions())
        .requestHandler(router)
        .listen(port, runtime.config().get(Settings.BIND_ADDRESS));
  }
}
