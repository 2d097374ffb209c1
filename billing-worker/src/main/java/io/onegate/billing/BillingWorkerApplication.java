package io.onegate.billing;

import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.common.process.WorkerHttpServer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;

/** Composition root of a billing worker: the usage consumer and its health/metrics endpoints. */
public final class BillingWorkerApplication implements ProcessMain.Application {
  private final HttpServer server;

  private BillingWorkerApplication(HttpServer server) {
    this.server = server;
  }

  public static Future<ProcessMain.Application> start(ProcessRuntime runtime) {
    return WorkerHttpServer.start(runtime, runtime.config().get(Settings.BILLING_WORKER_PORT))
        .map(BillingWorkerApplication::new);
  }

  @Override
  public Future<Void> stop() {
    return server.close();
  }
}
