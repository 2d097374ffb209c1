package io.onegate.health;

import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.common.process.WorkerHttpServer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;

/** Composition root of a health worker: outcome consumer, scheduled tests (leader) and health endpoints. */
public final class HealthWorkerApplication implements ProcessMain.Application {
  private final HttpServer server;

  private HealthWorkerApplication(HttpServer server) {
    this.server = server;
  }

  public static Future<ProcessMain.Application> start(ProcessRuntime runtime) {
    return WorkerHttpServer.start(runtime, runtime.config().get(Settings.HEALTH_WORKER_PORT))
        .map(HealthWorkerApplication::new);
  }

  @Override
  public Future<Void> stop() {
    return server.close();
  }
}
