package io.onegate.common.process;

import com.hazelcast.core.HazelcastInstance;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onegate.common.cluster.HazelcastSetup;
import io.onegate.common.config.Config;
import io.onegate.common.config.PostgresDsn;
import io.onegate.common.config.Settings;
import io.onegate.common.crypto.KeyCipher;
import io.onegate.common.db.Migrations;
import io.onegate.common.db.PgPools;
import io.onegate.common.db.RootBootstrap;
import io.onegate.common.kafka.KafkaSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every OneGate process runs on: a clustered Vert.x (one Hazelcast member), a PostgreSQL pool, a Kafka admin
 * client, a Prometheus registry and the readiness checks over all three. {@link #start} migrates the schema
 * (unless {@code NODE_TYPE=slave}) and creates the root user on an empty database.
 */
public final class ProcessRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);
  /** How long start-up waits for Kafka before starting without it. */
  static final Duration KAFKA_START_WAIT = Duration.ofSeconds(10);
  private static final Duration KAFKA_RETRY = Duration.ofSeconds(3);

  private final Config config;
  private final Vertx vertx;
  private final HazelcastClusterManager clusterManager;
  private final Pool pg;
  private final Admin kafkaAdmin;
  private final PrometheusMeterRegistry metrics;
  private final ReadinessChecks readiness;
  private final MetricsEndpoint metricsEndpoint;
  private volatile boolean closed;

  private ProcessRuntime(Config config, Vertx vertx, HazelcastClusterManager clusterManager, Pool pg,
                         Admin kafkaAdmin, PrometheusMeterRegistry metrics) {
    this.config = config;
    this.vertx = vertx;
    this.clusterManager = clusterManager;
    this.pg = pg;
    this.kafkaAdmin = kafkaAdmin;
    this.metrics = metrics;
    this.metricsEndpoint = MetricsEndpoint.fromConfig(config, metrics);
    this.readiness = new ReadinessChecks(vertx, 3000)
        .add("postgres", () -> pg.query("SELECT 1").execute())
        .add("kafka", () -> KafkaSupport.ping(kafkaAdmin))
        .add("hazelcast", () -> clusterManager.isActive()
            && clusterManager.getHazelcastInstance().getLifecycleService().isRunning()
            ? Future.succeededFuture() : Future.failedFuture("Hazelcast member is not running"));
  }

  /**
   * Joins the cluster, prepares the database and Kafka topics; fails if PostgreSQL or Hazelcast is unreachable in
   * time. Kafka may be down: the process then starts degraded (see {@link #ensureTopicsOrRetry}).
   */
  public static Future<ProcessRuntime> start(Config config) {
    PostgresDsn dsn = PostgresDsn.parse(config.get(Settings.SQL_DSN));
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(HazelcastSetup.memberConfig(config));
    String host = config.get(Settings.HAZELCAST_INTERFACE);
    VertxOptions options = new VertxOptions()
        // Per-request HTTP client and server meters cost ~5% each of a relayed request's CPU (a tag lookup per
        // request); upstream latency and outcomes are reported per channel by the attempt events, and the relay
        // keeps its own pre-registered meters (RelayMeters).
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
            .addDisabledMetricsCategory(io.vertx.micrometer.MetricsDomain.HTTP_CLIENT)
            .addDisabledMetricsCategory(io.vertx.micrometer.MetricsDomain.HTTP_SERVER))
        .setEventBusOptions(new EventBusOptions().setHost(host).setClusterPublicHost(host).setPort(0));
    return Vertx.builder()
        .with(options)
        .withMetrics(new MicrometerMetricsFactory(metrics))
        .withClusterManager(clusterManager)
        .buildClustered()
        .compose(vertx -> prepareDatabase(vertx, config, dsn)
            .map(v -> new ProcessRuntime(config, vertx, clusterManager,
                PgPools.create(vertx, dsn, config.get(Settings.SQL_MAX_OPEN_CONNS)), KafkaSupport.admin(config),
                metrics))
            .compose(runtime -> runtime.ensureTopicsOrRetry().map(runtime))
            .compose(runtime -> runtime.metricsEndpoint.listen(vertx).map(runtime))
            .onFailure(err -> vertx.close()));
  }

  /**
   * Creates the topics; if Kafka does not answer within {@link #KAFKA_START_WAIT} the process starts anyway
   * (degraded: /readyz reports Kafka down, gateways spill events to disk, consumers wait) and retries every few
   * seconds until the topics exist.
   */
  private Future<Void> ensureTopicsOrRetry() {
    long wait = Math.min(KAFKA_START_WAIT.toMillis(),
        Duration.ofSeconds(config.get(Settings.STARTUP_TIMEOUT).longValue()).toMillis());
    return KafkaSupport.ensureTopics(kafkaAdmin, config)
        .timeout(wait, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(err -> {
          LOG.warn("Kafka at {} is unreachable ({}); starting without it, topics are created once it answers",
              config.get(Settings.KAFKA_BOOTSTRAP_SERVERS), err.getMessage());
          retryTopics();
          return Future.succeededFuture();
        });
  }

  private void retryTopics() {
    vertx.setTimer(KAFKA_RETRY.toMillis(), id -> {
      if (closed) {
        return;
      }
      KafkaSupport.ensureTopics(kafkaAdmin, config)
          .timeout(KAFKA_START_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
          .onSuccess(v -> LOG.info("Kafka answers again: topics are in place"))
          .onFailure(err -> retryTopics());
    });
  }

  private static Future<Void> prepareDatabase(Vertx vertx, Config config, PostgresDsn dsn) {
    return vertx.executeBlocking(() -> {
      if (!"slave".equals(config.get(Settings.NODE_TYPE))) {
        Migrations.migrate(dsn, config.get(Settings.STARTUP_TIMEOUT).intValue());
        RootBootstrap.createRootIfNeeded(dsn, config.find(Settings.INITIAL_ROOT_TOKEN),
            config.find(Settings.INITIAL_ROOT_ACCESS_TOKEN),
            KeyCipher.cryptoSecret(config).map(io.onegate.common.crypto.TokenVault::new), Clock.systemUTC());
      }
      return null;
    }, false);
  }

  public Config config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pg() {
    return pg;
  }

  public Admin kafkaAdmin() {
    return kafkaAdmin;
  }

  public HazelcastInstance hazelcast() {
    return clusterManager.getHazelcastInstance();
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /** {@code /metrics} of this runtime's processes (mounted by them, or on its own port: {@link MetricsEndpoint}). */
  public MetricsEndpoint metricsEndpoint() {
    return metricsEndpoint;
  }

  public ReadinessChecks readiness() {
    return readiness;
  }

  /** Closes the pool, the Kafka admin client and Vert.x (which leaves the cluster). Never fails. */
  public Future<Void> close() {
    closed = true;
    return pg.close()
        .eventually(() -> vertx.executeBlocking(() -> {
          kafkaAdmin.close(Duration.ofSeconds(2));
          return null;
        }))
        .eventually(vertx::close)
        .otherwiseEmpty()
        .mapEmpty();
  }

  /**
   * Closes like {@link #close} and waits (at most {@code timeout}) until the Hazelcast member has left. For
   * shutdown hooks: listeners of Vert.x's own close future cannot run once its event loops are gone, so this
   * waits on the member's state instead.
   */
  public void closeBlocking(Duration timeout) {
    closed = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    awaitQuietly(pg.close(), timeout);
    kafkaAdmin.close(Duration.ofSeconds(2));
    HazelcastInstance member = clusterManager.getHazelcastInstance();
    vertx.close();
    while (member != null && member.getLifecycleService().isRunning() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    LOG.debug("process runtime closed");
  }

  /** Waits for {@code future} from a non-Vert.x thread, ignoring its outcome. */
  public static void awaitQuietly(Future<?> future, Duration timeout) {
    java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
    future.onComplete(ar -> latch.countDown());
    try {
      latch.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
