package io.onegate.deploy.cluster;

import io.onegate.common.config.PostgresDsn;
import io.onegate.common.config.Settings;
import io.onegate.common.db.Migrations;
import io.onegate.embedded.EmbeddedPostgresServer;
import io.onegate.embedded.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production topology as separate OS processes on 127.0.0.1: gateways, billing workers and health workers (each
 * its own JVM and Hazelcast member), a multi-node KRaft Kafka cluster (each node its own JVM, {@link
 * io.onegate.embedded.KafkaBrokerMain}, see {@link KafkaCluster}) and PostgreSQL (the embedded binaries, a server process owned by this JVM). Everything it starts
 * it stops through handles; every directory is under {@code root}. {@code deploy/local-cluster.sh} and the cluster
 * fault suite both use it.
 */
public final class LocalCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** What to start. */
  public record Options(Path root, int gateways, int billingWorkers, int healthWorkers, int kafkaNodes,
                        int replication, int minInSync, Map<String, String> env, List<String> jvmOptions,
                        List<String> kafkaJvmOptions) {
    /** The compose topology: 3 gateways, 2 billing and 2 health workers, 3 Kafka nodes (RF 3, min ISR 2). */
    public static Options production(Path root) {
      return new Options(root, 3, 2, 2, 3, 3, 2, Map.of(), List.of("-Xms64m", "-Xmx256m"),
          List.of("-Xms128m", "-Xmx384m"));
    }

    public Options withEnv(Map<String, String> more) {
      Map<String, String> all = new HashMap<>(env);
      all.putAll(more);
      return new Options(root, gateways, billingWorkers, healthWorkers, kafkaNodes, replication, minInSync, all,
          jvmOptions, kafkaJvmOptions);
    }

    public Options withJvmOptions(List<String> options, List<String> kafkaOptions) {
      return new Options(root, gateways, billingWorkers, healthWorkers, kafkaNodes, replication, minInSync, env,
          options, kafkaOptions);
    }
  }

  /** The process kinds, with their main class and the setting holding their HTTP port. */
  public enum Kind {
    GATEWAY("io.onegate.gateway.GatewayMain", Settings.PORT.name()),
    BILLING_WORKER("io.onegate.billing.BillingWorkerMain", Settings.BILLING_WORKER_PORT.name()),
    HEALTH_WORKER("io.onegate.health.HealthWorkerMain", Settings.HEALTH_WORKER_PORT.name());

    final String mainClass;
    final String portSetting;

    Kind(String mainClass, String portSetting) {
      this.mainClass = mainClass;
      this.portSetting = portSetting;
    }
  }

  /** One OneGate process: its handle and HTTP port (relay and console for a gateway, health for a worker). */
  public record Member(Kind kind, int index, JavaProcess process, int httpPort) {
    public String baseUrl() {
      return "http://127.0.0.1:" + httpPort;
    }

    /** Whether {@code /readyz} answers 200 now. */
    public boolean ready() {
      return status("/readyz") == 200;
    }

    /** The HTTP status of {@code GET path}, or -1 when nothing answers. */
    public int status(String path) {
      try {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(3)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
  }

  private final Options options;
  private final int postgresPort;
  private final Map<String, String> env;
  private KafkaCluster kafka;
  private final List<Member> members = new ArrayList<>();
  private volatile EmbeddedPostgresServer postgres;

  private LocalCluster(Options options) throws IOException {
    this.options = options;
    Files.createDirectories(options.root());
    this.postgresPort = FreePorts.find();
    this.env = new HashMap<>();
  }

  /** Rows to write into the freshly migrated database before any OneGate process starts. */
  @FunctionalInterface
  public interface Seed {
    void write(String dsn) throws Exception;
  }

  /** Starts PostgreSQL, the Kafka nodes, then every OneGate process, and waits until all are ready. */
  public static LocalCluster start(Options options, Duration timeout) throws Exception {
    return start(options, timeout, dsn -> { });
  }

  /** As {@link #start(Options, Duration)}, writing {@code seed} once the schema is migrated. */
  public static LocalCluster start(Options options, Duration timeout, Seed seed) throws Exception {
    LocalCluster cluster = new LocalCluster(options);
    try {
      cluster.startAll(timeout, seed);
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void startAll(Duration timeout, Seed seed) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path root = options.root();
    postgres = EmbeddedPostgresServer.start(Optional.of(root.resolve("postgres")), postgresPort);
    Migrations.migrate(PostgresDsn.parse(postgres.dsn()));
    seed.write(postgres.dsn());
    kafka = KafkaCluster.start(root, options.kafkaNodes(), options.replication(), options.minInSync(),
        options.kafkaJvmOptions(), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    env.putAll(commonEnv(root));
    List<Integer> hazelcastPorts = new ArrayList<>();
    int total = options.gateways() + options.billingWorkers() + options.healthWorkers();
    for (int i = 0; i < total; i++) {
      hazelcastPorts.add(FreePorts.find());
    }
    env.put(Settings.HAZELCAST_MEMBERS.name(), hazelcastPorts.stream().map(p -> "127.0.0.1:" + p)
        .collect(Collectors.joining(",")));
    int n = 0;
    for (Kind kind : Kind.values()) {
      int count = switch (kind) {
        case GATEWAY -> options.gateways();
        case BILLING_WORKER -> options.billingWorkers();
        case HEALTH_WORKER -> options.healthWorkers();
      };
      for (int i = 1; i <= count; i++) {
        members.add(member(kind, i, hazelcastPorts.get(n++)));
      }
    }
    for (Member m : members) {
      m.process().start();
    }
    for (Member m : members) {
      awaitReady(m, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
  }

  private Map<String, String> commonEnv(Path root) throws IOException {
    Map<String, String> e = new HashMap<>();
    e.put(Settings.SQL_DSN.name(), postgres.dsn());
    e.put(Settings.KAFKA_BOOTSTRAP_SERVERS.name(), kafkaBootstrap());
    e.put(Settings.KAFKA_REPLICATION_FACTOR.name(), String.valueOf(options.replication()));
    e.put(Settings.KAFKA_MIN_INSYNC_REPLICAS.name(), String.valueOf(options.minInSync()));
    e.put(Settings.HAZELCAST_CLUSTER_NAME.name(), "onegate-local-" + UUID.randomUUID().toString().substring(0, 8));
    e.put(Settings.SESSION_SECRET.name(), secret(root.resolve("session.secret")));
    e.putAll(options.env());
    return e;
  }

  private Member member(Kind kind, int index, int hazelcastPort) {
    String name = kind.name().toLowerCase().replace('_', '-') + "-" + index;
    int port = FreePorts.find();
    Map<String, String> own = new HashMap<>(env);
    own.put(Settings.BILLING_WORKER_PORT.name(), "0");
    own.put(Settings.HEALTH_WORKER_PORT.name(), "0");
    own.put(kind.portSetting, String.valueOf(port));
    own.put(Settings.HAZELCAST_PORT.name(), String.valueOf(hazelcastPort));
    own.put(Settings.DATA_DIR.name(), options.root().resolve(name).toAbsolutePath().toString());
    List<String> jvm = new ArrayList<>(options.jvmOptions());
    jvm.addAll(JavaProcess.HAZELCAST_OPTIONS);
    return new Member(kind, index, new JavaProcess(name, jvm, kind.mainClass, List.of(), own,
        options.root().resolve("logs/" + name + ".log")), port);
  }

  private static String secret(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] bytes = new byte[24];
      new SecureRandom().nextBytes(bytes);
      Files.writeString(file, HexFormat.of().formatHex(bytes), StandardCharsets.UTF_8);
    }
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }

  // ---- views ------------------------------------------------------------------------------------------------------

  public List<Member> members() {
    return List.copyOf(members);
  }

  public List<Member> members(Kind kind) {
    return members.stream().filter(m -> m.kind() == kind).toList();
  }

  public Member gateway(int index) {
    return members(Kind.GATEWAY).get(index - 1);
  }

  public KafkaCluster kafka() {
    return kafka;
  }

  public String kafkaBootstrap() {
    return kafka.bootstrap();
  }

  /** The environment every OneGate process of this cluster shares (DSN, brokers, cluster name, secrets …). */
  public Map<String, String> sharedEnv() {
    return Map.copyOf(env);
  }

  public String postgresDsn() {
    return postgres.dsn();
  }

  public PostgresDsn postgres() {
    return PostgresDsn.parse(postgres.dsn());
  }

  // ---- faults and recovery ----------------------------------------------------------------------------------------

  /** Starts a member's process again (after a kill or a stop) and waits until it is ready. */
  public void restart(Member member, Duration timeout) throws IOException, InterruptedException {
    member.process().start();
    awaitReady(member, timeout);
  }

  /** Waits until {@code member}'s /readyz answers 200 (its process must stay alive meanwhile). */
  public void awaitReady(Member member, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!member.ready()) {
      if (!member.process().alive()) {
        throw new IllegalStateException(member.process() + " exited; see " + member.process().log());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(member.process() + " not ready within " + timeout + "; see "
            + member.process().log());
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  /** Stops PostgreSQL (fast shutdown, clients cut) and starts it again on the same data and port. */
  public void restartPostgres() throws IOException {
    postgres.close();
    postgres = EmbeddedPostgresServer.start(Optional.of(options.root().resolve("postgres")), postgresPort);
  }

  /** What is running, for people: one line per process. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    out.append("PostgreSQL   ").append(postgres.dsn()).append('\n');
    out.append("Kafka        ").append(kafkaBootstrap()).append("  (").append(options.kafkaNodes())
        .append(" KRaft nodes, replication ").append(options.replication()).append(", min.insync.replicas ")
        .append(options.minInSync()).append(")\n");
    out.append("Hazelcast    cluster ").append(env.get(Settings.HAZELCAST_CLUSTER_NAME.name())).append('\n');
    for (Member m : members) {
      out.append(String.format("%-16s %s%s  pid %d, log %s%n", m.process().name(), m.baseUrl(),
          m.kind() == Kind.GATEWAY ? "/ (console, /api, relay /v1)" : "/readyz", m.process().pid(),
          m.process().log()));
    }
    for (KafkaCluster.Node k : kafka.nodes()) {
      out.append(String.format("%-16s 127.0.0.1:%d  pid %d, log %s%n", k.process().name(), k.port(),
          k.process().pid(), k.process().log()));
    }
    return out.toString();
  }

  /** Stops every OneGate process (SIGTERM, they drain), then the Kafka nodes, then PostgreSQL. */
  @Override
  public void close() {
    Duration grace = Duration.ofSeconds(60);
    members.forEach(m -> m.process().terminate());
    members.forEach(m -> m.process().stop(grace));
    if (kafka != null) {
      kafka.close();
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("stopping PostgreSQL: {}", e.getMessage());
      }
    }
  }
}
