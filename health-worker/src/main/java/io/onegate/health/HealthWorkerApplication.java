package io.onegate.health;

import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.crypto.KeyCipher;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.common.process.WorkerHttpServer;
import io.onegate.health.channel.ChannelRepository;
import io.onegate.health.consume.ChannelActions;
import io.onegate.health.consume.OutcomeConsumer;
import io.onegate.health.notify.HealthNotifications;
import io.onegate.health.notify.LowBalanceService;
import io.onegate.health.notify.MailNotifier;
import io.onegate.health.notify.WebhookNotifier;
import io.onegate.health.policy.HealthPolicy;
import io.onegate.health.policy.HealthRules;
import io.onegate.health.probe.ChannelProber;
import io.onegate.health.probe.ChannelTestService;
import io.onegate.health.probe.ChannelTester;
import io.onegate.health.schedule.LeaderLease;
import io.onegate.health.schedule.RoundRepository;
import io.onegate.health.schedule.TestScheduler;
import io.onegate.health.state.ChannelHoldWriter;
import io.onegate.health.state.ChannelStatusWriter;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Composition root of a health worker: the attempt-outcome consumer (auto-disable, cool-downs, circuit breakers and
 * their probes), the scheduled channel tests
 * (leader only; auto-enable), the "test channel" event-bus service, notifications and the health endpoints.
 */
public final class HealthWorkerApplication implements ProcessMain.Application {
  private final List<Stoppable> parts;
  private final ChannelTester tester;
  private final HealthNotifications notifications;
  private final Optional<TestScheduler> scheduler;

  private interface Stoppable {
    Future<?> stop();
  }

  private HealthWorkerApplication(List<Stoppable> parts, ChannelTester tester, HealthNotifications notifications,
                                  Optional<TestScheduler> scheduler) {
    this.parts = parts;
    this.tester = tester;
    this.notifications = notifications;
    this.scheduler = scheduler;
  }

  /** Starts with the registry prober: the gateway's own adaptors and upstream transport. */
  public static Future<ProcessMain.Application> start(ProcessRuntime runtime) {
    return startWith(runtime, HealthWorkerApplication::registryProber).map(app -> app);
  }

  static ChannelProber registryProber(ProcessRuntime runtime) {
    Duration timeout = Duration.ofSeconds(runtime.config().get(Settings.HEALTH_TEST_TIMEOUT));
    io.onegate.providers.transport.UpstreamClient client = new io.onegate.providers.transport.UpstreamClient(
        runtime.vertx(), new io.onegate.providers.transport.UpstreamClient.Settings(Duration.ofSeconds(10), timeout,
            timeout, 16));
    return new io.onegate.health.probe.RegistryProber(io.onegate.providers.registry.ProviderRegistry.defaults(),
        client, new io.onegate.providers.transport.CredentialCache(client, Clock.systemUTC(), Duration.ofMinutes(5)),
        Clock.systemUTC(), timeout, runtime.config().get(Settings.TEST_PROMPT));
  }

  /** Starts with the given prober (the registry-based one over the provider adaptors, or a test's). */
  public static Future<HealthWorkerApplication> startWith(ProcessRuntime runtime,
                                                          Function<ProcessRuntime, ChannelProber> proberFactory) {
    Config config = runtime.config();
    Clock clock = Clock.systemUTC();
    List<Stoppable> parts = new ArrayList<>();
    Duration sync = Duration.ofSeconds(config.get(Settings.SYNC_FREQUENCY));
    return LiveOptions.start(runtime.vertx(), runtime.pg(), sync).compose(options -> {
      parts.add(options::stop);
      WebhookNotifier webhook = new WebhookNotifier(runtime.vertx(), clock);
      parts.add(webhook::close);
      HealthNotifications notifications = new HealthNotifications(runtime.pg(), options,
          List.of(webhook, new MailNotifier(runtime.vertx())));
      AtomicReference<Optional<TestScheduler>> leaderView = new AtomicReference<>(Optional.empty());
      HealthMeters meters = new HealthMeters(runtime.metrics(),
          () -> leaderView.get().map(TestScheduler::isLeader).orElse(false));
      ChannelStatusWriter writer = new ChannelStatusWriter(runtime.vertx(), runtime.pg(), clock,
          Duration.ofSeconds(config.get(Settings.HEALTH_FLIP_COOLDOWN)), change -> {
            meters.statusChanged(change);
            notifications.channelStatusChanged(change);
          });
      HealthPolicy policy = new HealthPolicy(HealthRules.fromConfig(config), clock);
      ChannelRepository channels = new ChannelRepository(runtime.pg(), KeyCipher.fromConfig(config));
      ChannelProber prober = proberFactory.apply(runtime);
      ChannelTester tester = new ChannelTester(runtime.pg(), channels, prober, writer, policy, options, clock,
          config.get(Settings.HEALTH_TEST_MODEL), meters::tested);
      Optional<TestScheduler> scheduler = testPeriod(config).map(period -> new TestScheduler(runtime.vertx(),
          new LeaderLease(runtime.vertx(), runtime.hazelcast(), ClusterNames.HEALTH_LEASES,
              ClusterNames.HEALTH_LEADER_LOCK, memberName(runtime), leaseLength(config), clock),
          new RoundRepository(runtime.pg()), channels, tester, clock, period,
          Duration.ofSeconds(config.get(Settings.POLLING_INTERVAL)), leaseLength(config)));
      leaderView.set(scheduler);
      ChannelActions actions = new ChannelActions(runtime.vertx().getOrCreateContext(), policy, writer,
          new ChannelHoldWriter(runtime.hazelcast()),
          tester::probeForBreaker, options, clock,
          meters::decided);
      return OutcomeConsumer.start(runtime.vertx().getOrCreateContext(), config, policy, actions, options, sync)
          .compose(consumer -> {
            parts.add(consumer::stop);
            return ChannelTestService.start(runtime.vertx(), tester);
          })
          .compose(service -> {
            parts.add(service::stop);
            return LowBalanceService.start(runtime.vertx(), notifications);
          })
          .compose(lowBalance -> {
            parts.add(lowBalance::stop);
            scheduler.ifPresent(s -> {
              s.start();
              parts.add(s::stop);
            });
            return WorkerHttpServer.start(runtime, config.get(Settings.HEALTH_WORKER_PORT));
          })
          .map(server -> {
            parts.add(server::close);
            return new HealthWorkerApplication(parts, tester, notifications, scheduler);
          })
          .recover(err -> stopAll(parts).transform(x -> Future.failedFuture(err)));
    });
  }

  /** The scheduled-test period: CHANNEL_TEST_FREQUENCY_SECONDS when set, else CHANNEL_TEST_FREQUENCY minutes. */
  static Optional<Duration> testPeriod(Config config) {
    int seconds = config.get(Settings.CHANNEL_TEST_FREQUENCY_SECONDS);
    if (seconds > 0) {
      return Optional.of(Duration.ofSeconds(seconds));
    }
    int minutes = config.get(Settings.CHANNEL_TEST_FREQUENCY);
    return minutes > 0 ? Optional.of(Duration.ofMinutes(minutes)) : Optional.empty();
  }

  private static Duration leaseLength(Config config) {
    return Duration.ofSeconds(config.get(Settings.HEALTH_LEADER_LEASE));
  }

  private static String memberName(ProcessRuntime runtime) {
    String uuid = runtime.hazelcast().getCluster().getLocalMember().getUuid().toString();
    return uuid.isEmpty() ? UUID.randomUUID().toString() : uuid;
  }

  /** The channel tester (the admin's "test channel" when running in the same process). */
  public ChannelTester tester() {
    return tester;
  }

  /** Notifications, including {@link HealthNotifications#lowBalance} for the billing worker. */
  public HealthNotifications notifications() {
    return notifications;
  }

  public boolean isTestLeader() {
    return scheduler.map(TestScheduler::isLeader).orElse(false);
  }

  @Override
  public Future<Void> stop() {
    return stopAll(parts);
  }

  private static Future<Void> stopAll(List<Stoppable> parts) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = parts.size() - 1; i >= 0; i--) {
      Stoppable part = parts.get(i);
      chain = chain.eventually(() -> part.stop().otherwiseEmpty());
    }
    return chain;
  }
}
