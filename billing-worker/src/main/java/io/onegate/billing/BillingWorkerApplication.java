package io.onegate.billing;

import io.onegate.billing.channels.BalanceFetcher;
import io.onegate.billing.channels.BalanceRefreshService;
import io.onegate.billing.channels.ChannelBalanceRefresher;
import io.onegate.billing.consumer.UsageConsumer;
import io.onegate.common.crypto.KeyCipher;
import io.onegate.common.domain.ChannelRepository;
import io.vertx.ext.web.client.WebClient;
import io.onegate.billing.ledger.LiveBalanceSync;
import io.onegate.billing.logs.PartitionMaintainer;
import io.onegate.common.balance.LiveBalances;
import io.onegate.common.balance.LowBalanceNotifier;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.kafka.Topics;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.common.process.WorkerHttpServer;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Composition root of a billing worker: the usage consumer (Kafka → PostgreSQL ledger, live balances kept in
 * step), log/dedup partition maintenance, the channel balance refresher, and health/metrics endpoints.
 */
public final class BillingWorkerApplication implements ProcessMain.Application {
  private static final long MAINTENANCE_PERIOD_MS = Duration.ofHours(1).toMillis();

  private final ProcessRuntime runtime;
  private final HttpServer server;
  private final UsageConsumer consumer;
  private final long maintenanceTimer;

  private BillingWorkerApplication(ProcessRuntime runtime, HttpServer server, UsageConsumer consumer,
                                   long maintenanceTimer) {
    this.runtime = runtime;
    this.server = server;
    this.consumer = consumer;
    this.maintenanceTimer = maintenanceTimer;
  }

  public static Future<ProcessMain.Application> start(ProcessRuntime runtime) {
    return start(runtime, new EventBusLowBalanceNotifier(runtime.vertx(), runtime.pg()));
  }

  /** Starts with the given reminder channel (the health worker's notifier once wired in). */
  public static Future<ProcessMain.Application> start(ProcessRuntime runtime, LowBalanceNotifier notifier) {
    Config config = runtime.config();
    Clock clock = Clock.systemUTC();
    PartitionMaintainer maintainer = new PartitionMaintainer(runtime.pg(), clock,
        config.get(Settings.LOG_RETENTION_DAYS), config.get(Settings.USAGE_DEDUP_RETENTION_DAYS));
    return runtime.vertx().executeBlocking(() -> new LiveBalances(runtime.hazelcast()))
        .compose(balances -> maintainer.run().otherwiseEmpty().map(balances))
        .compose(balances -> {
          AtomicReference<UsageConsumer> ref = new AtomicReference<>();
          LiveBalanceSync sync = new LiveBalanceSync(balances, runtime.vertx().getOrCreateContext(), notifier,
              () -> ref.get().options());
          UsageConsumer consumer = new UsageConsumer(config.get(Settings.KAFKA_BOOTSTRAP_SERVERS),
              Topics.of(config).usage(), runtime.pg(), sync, clock, config.get(Settings.BATCH_UPDATE_ENABLED),
              Duration.ofSeconds(config.get(Settings.BATCH_UPDATE_INTERVAL)));
          ref.set(consumer);
          registerMetrics(runtime, consumer);
          consumer.start("billing-" + runtime.hazelcast().getLocalEndpoint().getUuid());
          long timer = runtime.vertx().setPeriodic(MAINTENANCE_PERIOD_MS, id -> maintainer.run());
          int balanceMinutes = config.get(Settings.CHANNEL_UPDATE_FREQUENCY);
          ChannelBalanceRefresher refresher = new ChannelBalanceRefresher(runtime.vertx(), runtime.pg(),
              new ChannelRepository(runtime.pg(), KeyCipher.fromConfig(config)),
              new BalanceFetcher(WebClient.create(runtime.vertx()), clock), clock,
              Duration.ofSeconds(config.get(Settings.POLLING_INTERVAL)));
          BalanceRefreshService.start(runtime.vertx(), refresher);
          if (balanceMinutes > 0) {
            runtime.vertx().setPeriodic(Duration.ofMinutes(balanceMinutes).toMillis(), id -> refresher.refreshAll());
          }
          return WorkerHttpServer.start(runtime, config.get(Settings.BILLING_WORKER_PORT))
              .map(server -> (ProcessMain.Application) new BillingWorkerApplication(runtime, server, consumer, timer))
              .onFailure(err -> consumer.stop(Duration.ofSeconds(5)));
        });
  }

  private static void registerMetrics(ProcessRuntime runtime, UsageConsumer consumer) {
    Gauge.builder("onegate_billing_applied_events", consumer, UsageConsumer::appliedEvents)
        .register(runtime.metrics());
    Gauge.builder("onegate_billing_duplicate_events", consumer, UsageConsumer::duplicateEvents)
        .register(runtime.metrics());
    Gauge.builder("onegate_billing_flushes", consumer, UsageConsumer::flushes).register(runtime.metrics());
    Gauge.builder("onegate_billing_failed_flushes", consumer, UsageConsumer::failedFlushes)
        .register(runtime.metrics());
  }

  @Override
  public Future<Void> stop() {
    runtime.vertx().cancelTimer(maintenanceTimer);
    return runtime.vertx().executeBlocking(() -> {
      consumer.stop(Duration.ofSeconds(30));
      return null;
    }).compose(v -> server.close());
  }
}
