package io.onegate.gateway;

import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessEndpoints;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.common.balance.LiveBalances;
import io.onegate.gateway.api.EventBusChannelTester;
import io.onegate.gateway.api.LiveBalanceSync;
import io.onegate.gateway.api.RegistryModelCatalog;
import io.onegate.gateway.api.ManagementApi;
import io.onegate.gateway.relay.RelayRoutes;
import io.onegate.gateway.web.ConsoleRoutes;
import io.onegate.providers.registry.ProviderRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * Composition root of a gateway node: builds the routes (/v1 relay, /api management, console, health and
 * metrics) on one HTTP server on {@code PORT}.
 */
public final class GatewayApplication implements ProcessMain.Application {
  private final HttpServerVerticle.Servers servers;
  private final ManagementApi managementApi;
  private final RelayRoutes.Mounted relay;

  private GatewayApplication(HttpServerVerticle.Servers servers, ManagementApi managementApi,
                             RelayRoutes.Mounted relay) {
    this.servers = servers;
    this.managementApi = managementApi;
    this.relay = relay;
  }

  public static Future<ProcessMain.Application> start(ProcessRuntime runtime) {
    // LiveBalances reads the cluster's balance epoch once (a Hazelcast call): off the event loop.
    return runtime.vertx().executeBlocking(() -> new LiveBalances(runtime.hazelcast()))
        .compose(balances -> start(runtime, balances));
  }

  private static Future<ProcessMain.Application> start(ProcessRuntime runtime, LiveBalances balances) {
    Router router = Router.router(runtime.vertx());
    ProcessEndpoints.mount(router, runtime.readiness(), runtime.metricsEndpoint());
    ManagementApi.Collaborators defaults = ManagementApi.Collaborators.defaults();
    ManagementApi api = ManagementApi.mount(router, runtime, new ManagementApi.Collaborators(
        new EventBusChannelTester(runtime.vertx(), runtime.pg()),
        new io.onegate.gateway.api.EventBusBalanceRefresher(runtime.vertx()),
        new RegistryModelCatalog(ProviderRegistry.defaults(), defaults.models()),
        new LiveBalanceSync(runtime.vertx(), balances)));
    ConsoleRoutes.mount(router);
    HttpServerOptions options = new HttpServerOptions().setHost(runtime.config().get(Settings.BIND_ADDRESS))
        .setDecompressionSupported(true);
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    return api.secretsConverted().compose(converted -> RelayRoutes.mount(router, runtime))
        .compose(relay -> HttpServerVerticle.deploy(runtime.vertx(), router, options,
                runtime.config().get(Settings.PORT), instances, runtime.readiness()::draining)
            .map(servers -> new GatewayApplication(servers, api, relay)));
  }

  public int port() {
    return servers.port();
  }

  @Override
  public Future<Void> stop() {
    return servers.close().eventually(relay::stop).eventually(managementApi::close);
  }

  @Override
  public boolean acceptsClients() {
    return true;
  }

  /**
   * Closes the listeners, lets requests and streams in flight finish (at most {@code timeout}; their usage events
   * are journaled as they settle), then returns the balance leases and flushes the event journal to Kafka.
   */
  @Override
  public Future<Void> drain(java.time.Duration timeout) {
    return servers.shutdown(timeout).eventually(relay::stop).eventually(managementApi::close);
  }
}
