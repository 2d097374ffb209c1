package io.onegate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Config;
import io.onegate.common.config.PostgresDsn;
import io.onegate.common.config.Settings;
import io.onegate.common.db.Migrations;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.kafka.KafkaSupport;
import io.onegate.common.kafka.Topics;
import io.onegate.embedded.EmbeddedPostgresServer;
import io.onegate.embedded.FreePorts;
import io.onegate.testkit.TestInfra;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The crash test: 100,000 usage events (plus re-sent duplicates) through the real Kafka broker while the
 * billing worker — a real {@code BillingWorkerMain} in a child JVM — is killed with SIGKILL three times in the
 * middle of a flush transaction, and its dedicated PostgreSQL is stopped and restarted once. Afterwards every
 * user, token and channel total equals the sum of the distinct events and each request id has exactly one log.
 */
class BillingCrashTest {
  private static final int EVENTS = 100_000;
  private static final int DUPLICATE_EVERY = 97;
  private static final List<Process> children = new ArrayList<>();
  private static EmbeddedPostgresServer postgres;
  private static final List<Path> tempDirs = new ArrayList<>();

  @AfterAll
  static void cleanUp() throws Exception {
    for (Process p : children) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (postgres != null) {
      postgres.close();
    }
    for (Path dir : tempDirs) {
      TestFiles.deleteTree(dir);
    }
  }


  @Test
  void ledgerIsExactAfterKillsAndAPostgresRestart() throws Exception {
    Path pgDir = Files.createTempDirectory("onegate-crash-pg-");
    tempDirs.add(pgDir);
    int pgPort = FreePorts.find();
    postgres = EmbeddedPostgresServer.start(Optional.of(pgDir.resolve("data")), pgPort);
    Migrations.migrate(PostgresDsn.parse(postgres.dsn()));
    Config config = TestInfra.get().freshConfig(Map.of(Settings.SQL_DSN.name(), postgres.dsn(),
        Settings.BATCH_UPDATE_INTERVAL.name(), "1", Settings.LOG_LEVEL.name(), "info"));
    UsageFixture fixture = new UsageFixture(postgres.dsn(), 400, 30);
    String topic = Topics.of(config).usage();
    try (Admin admin = KafkaSupport.admin(config)) {
      KafkaSupport.ensureTopics(admin, config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    // The producer sends (at most ~6,000 events/s) only what the test releases, so that events are flowing at
    // every kill whatever the machine's speed: a kill needs a flush transaction in progress.
    AtomicInteger sent = new AtomicInteger();
    Semaphore released = new Semaphore(0);
    SplittableRandom random = new SplittableRandom(42);
    Thread producer = new Thread(() -> produce(config, topic, fixture, random, sent, released), "crash-producer");
    producer.start();

    Path logs = Files.createTempDirectory("onegate-crash-logs-");
    tempDirs.add(logs);
    Process worker = launch(config, logs.resolve("worker-0.log"));
    int kills = 0;
    boolean pgRestarted = false;
    long started = System.nanoTime();
    while (kills < 3) {
      released.release(5_000);
      awaitApplying(fixture, worker);
      if (kills == 1 && !pgRestarted) {
        postgres.close();
        Thread.sleep(1500);
        postgres = EmbeddedPostgresServer.start(Optional.of(pgDir.resolve("data")), pgPort);
        pgRestarted = true;
        released.release(5_000);
        awaitApplying(fixture, worker);
      }
      released.release(15_000);
      assertThat(killMidFlush(fixture, worker)).as("kill %d landed inside an open flush transaction", kills + 1)
          .isTrue();
      kills++;
      worker = launch(config, logs.resolve("worker-" + kills + ".log"));
    }
    released.release(EVENTS);
    producer.join(TimeUnit.MINUTES.toMillis(2));
    assertThat(sent.get()).isEqualTo(EVENTS + EVENTS / DUPLICATE_EVERY);

    long endOffsets = endOffsetSum(config, topic);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (fixture.storedOffsetSum() < endOffsets && System.nanoTime() < deadline) {
      assertThat(worker.isAlive()).as("final worker alive (see %s)", logs).isTrue();
      Thread.sleep(250);
    }
    assertThat(fixture.storedOffsetSum()).as("all %d records consumed", endOffsets).isEqualTo(endOffsets);
    String summary = fixture.assertLedgerExact();
    io.onegate.testkit.Figures.report("CRASH TEST: %d records sent (%d re-sent duplicates) while the worker was killed %d times "
        + "mid-flush and PostgreSQL restarted once, in %d s; %s%n", sent.get(), EVENTS / DUPLICATE_EVERY, kills,
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), summary);
  }

  private static void produce(Config config, String topic, UsageFixture fixture, SplittableRandom random,
                              AtomicInteger sent, Semaphore released) {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaSupport.producerProps(config, "crash"))) {
      UsageEvent previous = null;
      for (int i = 0; i < EVENTS; i++) {
        released.acquire();
        UsageEvent e = fixture.next(random, "crash", i, System.currentTimeMillis());
        producer.send(new ProducerRecord<>(topic, e.kafkaKey(), e.encode()));
        sent.incrementAndGet();
        if (i % DUPLICATE_EVERY == DUPLICATE_EVERY - 1 && previous != null) {
          producer.send(new ProducerRecord<>(topic, previous.kafkaKey(), previous.encode())); // a re-sent event
          sent.incrementAndGet();
        }
        previous = e;
        if (i % 600 == 599) {
          Thread.sleep(100);
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until the worker has committed something since it started (it is consuming and flushing). */
  private static void awaitApplying(UsageFixture fixture, Process worker) throws Exception {
    long before = safeOffsetSum(fixture);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      assertThat(worker.isAlive()).as("worker alive").isTrue();
      if (safeOffsetSum(fixture) > before) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the billing worker applied nothing within 120 s");
  }

  /** SIGKILLs the worker at a moment its flush transaction is open in PostgreSQL; true if it was. */
  private static boolean killMidFlush(UsageFixture fixture, Process worker) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            + "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL AND backend_type = 'client backend' "
            + "AND query ~ '(usage_applied|UPDATE users u|UPDATE tokens t|UPDATE channels c|FROM channels WHERE|"
            + "INSERT INTO logs|INSERT INTO consumer_offsets)'")) {
          rs.next();
          if (rs.getInt(1) > 0) {
            worker.destroyForcibly();
            worker.waitFor(10, TimeUnit.SECONDS);
            return true;
          }
        }
      }
    }
    worker.destroyForcibly();
    worker.waitFor(10, TimeUnit.SECONDS);
    return false;
  }

  private static long safeOffsetSum(UsageFixture fixture) {
    try {
      return fixture.storedOffsetSum();
    } catch (Exception e) {
      return -1;
    }
  }

  private static long endOffsetSum(Config config, String topic) throws Exception {
    try (Admin admin = KafkaSupport.admin(config)) {
      var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
          .partitions();
      Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
      partitions.forEach(p -> spec.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      return admin.listOffsets(spec).all().get(30, TimeUnit.SECONDS).values().stream()
          .mapToLong(r -> r.offset()).sum();
    }
  }

  static Process launch(Config config, Path log) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "-Dhazelcast.phone.home.enabled=false", "-Dhazelcast.logging.type=slf4j",
        "-cp", System.getProperty("java.class.path"), BillingWorkerMain.class.getName());
    builder.environment().putAll(config.raw());
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = builder.start();
    children.add(p);
    return p;
  }
}
