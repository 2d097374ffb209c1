package io.onegate.testkit;

import io.onegate.common.config.Config;
import io.onegate.common.config.PostgresDsn;
import io.onegate.common.config.Settings;
import io.onegate.embedded.EmbeddedKafka;
import io.onegate.embedded.EmbeddedPostgresServer;
import io.onegate.embedded.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Real servers for tests, started once per test JVM on 127.0.0.1: a PostgreSQL (embedded binaries) and a KRaft
 * Kafka broker; Hazelcast members are started by the code under test, joined into a cluster whose name is unique
 * to this JVM. Set {@code ONEGATE_TEST_SQL_DSN} (a postgres:// DSN of a server where we may create databases)
 * and/or {@code ONEGATE_TEST_KAFKA_BOOTSTRAP} to use external servers instead.
 *
 * <p>{@link #freshConfig()} gives each test class its own database, topic prefix and Hazelcast cluster, so
 * classes never see each other's data.
 */
public final class TestInfra {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static volatile TestInfra instance;

  private final String adminDsn;
  private final String kafkaBootstrap;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final EmbeddedPostgresServer postgres;
  private final EmbeddedKafka kafka;
  private final Path kafkaDir;
  private final java.util.List<Path> dataDirs = new java.util.concurrent.CopyOnWriteArrayList<>();

  private TestInfra() throws IOException {
    Optional<String> externalPg = Optional.ofNullable(System.getenv("ONEGATE_TEST_SQL_DSN")).filter(s -> !s.isBlank());
    Optional<String> externalKafka = Optional.ofNullable(System.getenv("ONEGATE_TEST_KAFKA_BOOTSTRAP"))
        .filter(s -> !s.isBlank());
    if (externalPg.isPresent()) {
      postgres = null;
      adminDsn = externalPg.get();
    } else {
      postgres = EmbeddedPostgresServer.start(Optional.empty(), 0);
      adminDsn = postgres.dsn();
    }
    if (externalKafka.isPresent()) {
      kafka = null;
      kafkaDir = null;
      kafkaBootstrap = externalKafka.get();
    } else {
      kafkaDir = Files.createTempDirectory("onegate-test-kafka-");
      kafka = EmbeddedKafka.start(kafkaDir, FreePorts.find());
      kafkaBootstrap = kafka.bootstrapServers();
    }
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "onegate-testinfra-stop"));
  }

  /** The servers of this test JVM, started on first use. */
  public static TestInfra get() {
    TestInfra local = instance;
    if (local == null) {
      synchronized (TestInfra.class) {
        local = instance;
        if (local == null) {
          try {
            local = new TestInfra();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test servers", e);
          }
          instance = local;
        }
      }
    }
    return local;
  }

  /** A DSN of a brand-new empty database on the test PostgreSQL. */
  public String newDatabase() {
    String name = "onegate_t" + runId.replace("-", "") + "_" + SEQUENCE.incrementAndGet();
    PostgresDsn admin = PostgresDsn.parse(adminDsn);
    try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
         Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
    }
    return PostgresDsn.of(admin.host(), admin.port(), name, admin.user(), admin.password());
  }

  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  /**
   * Settings for one test class: its own database, Kafka topic prefix and Hazelcast cluster (name and ports), and
   * free ports for the worker endpoints. Further settings can be layered with {@link Config#with}.
   */
  public Config freshConfig() {
    return freshConfig(Map.of());
  }

  public Config freshConfig(Map<String, String> overrides) {
    int n = SEQUENCE.incrementAndGet();
    int hzPort = FreePorts.find();
    Map<String, String> env = new HashMap<>();
    env.put(Settings.SQL_DSN.name(), newDatabase());
    env.put(Settings.KAFKA_BOOTSTRAP_SERVERS.name(), kafkaBootstrap);
    env.put(Settings.KAFKA_TOPIC_PREFIX.name(), "t" + runId + "-" + n + ".");
    env.put(Settings.KAFKA_PARTITIONS.name(), "3");
    env.put(Settings.HAZELCAST_CLUSTER_NAME.name(), "onegate-test-" + runId + "-" + n);
    env.put(Settings.HAZELCAST_PORT.name(), String.valueOf(hzPort));
    env.put(Settings.HAZELCAST_MEMBERS.name(), IntStream.range(0, 4)
        .mapToObj(i -> "127.0.0.1:" + (hzPort + i)).collect(Collectors.joining(",")));
    env.put(Settings.PORT.name(), String.valueOf(FreePorts.find()));
    env.put(Settings.BILLING_WORKER_PORT.name(), "0");
    env.put(Settings.HEALTH_WORKER_PORT.name(), "0");
    env.put(Settings.SESSION_SECRET.name(), "test-session-secret-" + runId);
    env.put(Settings.STARTUP_TIMEOUT.name(), "60");
    env.put(Settings.DATA_DIR.name(), newDataDir().toString()); // the gateway's event journal, not the source tree
    env.putAll(overrides);
    return Config.of(env);
  }

  /** A temporary directory for one config's DATA_DIR, deleted when the test JVM exits. */
  private Path newDataDir() {
    try {
      Path dir = Files.createTempDirectory("onegate-test-data-");
      dataDirs.add(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stop() {
    dataDirs.forEach(TestInfra::deleteQuietly);
    if (kafka != null) {
      try {
        kafka.close();
      } catch (RuntimeException ignored) {
        // best effort at JVM exit
      }
      deleteQuietly(kafkaDir);
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException | RuntimeException ignored) {
        // best effort at JVM exit
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp dir; the OS cleans it eventually
    }
  }
}
