package io.onegate.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.billing.BillingWorkerApplication;
import io.onegate.common.config.Config;
import io.onegate.common.config.PostgresDsn;
import io.onegate.common.config.Settings;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.kafka.KafkaSupport;
import io.onegate.common.kafka.Topics;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.embedded.EmbeddedPostgresServer;
import io.onegate.embedded.FreePorts;
import io.onegate.testkit.Figures;
import io.onegate.testkit.TestInfra;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not part of the suite: run by bench/billing/throughput.sh with -Dtest=BillingThroughputBench).
 * One billing worker, a durable PostgreSQL (fsync on) and the real broker: (0) warm-up: a worker drains WARMUP events
 * and stops (the JIT compiles the worker, client, broker and Hazelcast code paths: a long-running worker's steady
 * state), (1) a new worker drains a backlog of BACKLOG events, (2) a sustained RATE events/s for SECONDS seconds
 * with the consumer lag sampled every 500 ms.
 */
class BillingThroughputBench {
  private static final int WARMUP = Integer.getInteger("bench.warmup", 200_000);
  private static final int BACKLOG = Integer.getInteger("bench.backlog", 300_000);
  private static final int RATE = Integer.getInteger("bench.rate", 20_000);
  private static final int SECONDS = Integer.getInteger("bench.seconds", 30);
  private static final int USERS = 5000;
  private static String pgDir;

  @Test
  void throughput() throws Exception {
    pgDir = Files.createTempDirectory("onegate-bench-pg-").resolve("data").toString();
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(Optional.of(java.nio.file.Path.of(pgDir)),
        FreePorts.find());
    Config config = TestInfra.get().freshConfig(Map.of(Settings.SQL_DSN.name(), pg.dsn(),
        Settings.BATCH_UPDATE_INTERVAL.name(), System.getProperty("bench.interval", "5"),
        Settings.KAFKA_PARTITIONS.name(), "6", Settings.LOG_LEVEL.name(), System.getProperty("bench.log", "warn")));
    ProcessRuntime runtime = ProcessRuntime.start(config).toCompletionStage().toCompletableFuture()
        .get(120, TimeUnit.SECONDS);
    try (Connection c = connect(pg.dsn()); Statement s = c.createStatement()) {
      s.execute("INSERT INTO users (username, password, quota) SELECT 'b' || g, 'x', 1000000000000 "
          + "FROM generate_series(1, " + USERS + ") g");
      s.execute("INSERT INTO tokens (user_id, key, name, remain_quota, unlimited_quota) SELECT id, md5(id::text || "
          + "k::text) || 'abcdefghijklmnop', 't' || k, 1000000000000, k = 1 FROM users, generate_series(0, 1) k");
      s.execute("INSERT INTO channels (name, key) SELECT 'c' || g, 'k' FROM generate_series(1, 50) g");
    }
    String topic = Topics.of(config).usage();
    SplittableRandom random = new SplittableRandom(1);
    int sent = 0;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaSupport.producerProps(config, "bench"));
         Connection sampler = connect(pg.dsn())) {
      if (WARMUP > 0) {
        for (; sent < WARMUP; sent++) {
          UsageEvent e = event(random, sent);
          producer.send(new ProducerRecord<>(topic, e.kafkaKey(), e.encode()));
        }
        producer.flush();
        long w0 = System.nanoTime();
        ProcessMain.Application warm = BillingWorkerApplication.start(runtime).toCompletionStage()
            .toCompletableFuture().get(60, TimeUnit.SECONDS);
        while (stored(sampler) < sent) {
          Thread.sleep(100);
        }
        ProcessRuntime.awaitQuietly(warm.stop(), Duration.ofSeconds(30));
        Figures.report("BENCH warm-up: %d events drained in %.1f s (worker stopped)%n", WARMUP,
            (System.nanoTime() - w0) / 1e9);
      }
      int base = sent;
      for (; sent < base + BACKLOG; sent++) {
        UsageEvent e = event(random, sent);
        producer.send(new ProducerRecord<>(topic, e.kafkaKey(), e.encode()));
      }
      producer.flush();
      jdk.jfr.Recording jfr = null;
      if (System.getProperty("bench.jfr") != null) { // -Dbench.jfr=/tmp/x.jfr: a JFR profile of the drain
        jfr = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        jfr.setDestination(java.nio.file.Path.of(System.getProperty("bench.jfr")));
        jfr.start();
      }
      long[] wal0 = wal(pg.dsn());
      double load0 = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      long t0 = System.nanoTime();
      double cpu0 = cpuSeconds();
      double pg0 = pgCpuSeconds();
      ProcessMain.Application worker = BillingWorkerApplication.start(runtime).toCompletionStage()
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
      while (stored(sampler) < sent) {
        Thread.sleep(100);
      }
      double drainSeconds = (System.nanoTime() - t0) / 1e9;
      double cpu = cpuSeconds() - cpu0;
      double pgCpu = pgCpuSeconds() - pg0;
      if (jfr != null) {
        jfr.stop();
        jfr.close();
      }
      long[] wal1 = wal(pg.dsn());
      Figures.report("BENCH backlog CPU split: JVM (worker + broker) %.1f s, PostgreSQL %.1f s; "
          + "WAL %.0f bytes/event (%d full-page images), %d checkpoints%n", cpu - pgCpu, pgCpu,
          (wal1[0] - wal0[0]) / (double) BACKLOG, wal1[1] - wal0[1], wal1[2] - wal0[2]);
      Figures.report("BENCH backlog: %d events applied in %.1f s = %.0f events/s (worker start included); CPU "
          + "used by worker + broker + PostgreSQL: %.1f s = %.1f µs/event -> %.0f events/s on 2 idle cores; "
          + "load average %.2f at start, %.2f at end%n", BACKLOG, drainSeconds, BACKLOG / drainSeconds, cpu,
          cpu * 1e6 / BACKLOG, 2 * BACKLOG / cpu, load0,
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

      long start = System.nanoTime();
      long storedAtStart = stored(sampler);
      StringBuilder trace = new StringBuilder();
      long maxLag = 0;
      long lagSum = 0;
      int samples = 0;
      long nextSample = start;
      int target = sent + RATE * SECONDS;
      int sustainedBase = sent;
      while (sent < target) {
        long now = System.nanoTime();
        if (now >= nextSample) { // sampled whether or not the generator keeps up with the offered rate
          long lag = sent - stored(sampler);
          maxLag = Math.max(maxLag, lag);
          lagSum += lag;
          if (samples % 4 == 0) {
            trace.append(samples / 2).append("s:").append(lag / 1000).append("k ");
          }
          samples++;
          nextSample = now + 500_000_000L;
        }
        long due = start + (long) ((sent - sustainedBase) * (1e9 / RATE));
        if (now < due) {
          Thread.sleep(0, 200_000);
          continue;
        }
        UsageEvent e = event(random, sent);
        producer.send(new ProducerRecord<>(topic, e.kafkaKey(), e.encode()));
        sent++;
      }
      producer.flush();
      double produceSeconds = (System.nanoTime() - start) / 1e9;
      long appliedInWindow = stored(sampler) - storedAtStart;
      long drainStart = System.nanoTime();
      while (stored(sampler) < sent) {
        Thread.sleep(50);
      }
      double total = (System.nanoTime() - start) / 1e9;
      Figures.report("BENCH sustained: offered %d events/s for %.1f s (%d events); achieved %.0f events/s "
          + "end to end; consumer lag max %d events, mean %d (sampled every 500 ms, includes up to one "
          + "BATCH_UPDATE_INTERVAL of buffering); drained %.1f s after the last send%n", RATE, produceSeconds,
          RATE * SECONDS, RATE * SECONDS / total, maxLag, samples == 0 ? 0 : lagSum / samples,
          (System.nanoTime() - drainStart) / 1e9);
      Figures.report("BENCH sustained: stored by the worker while the generator ran: %.0f events/s; lag every "
          + "2 s: %s%n", appliedInWindow / produceSeconds, trace.toString().trim());
      try (Connection c = connect(pg.dsn()); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*) FROM logs WHERE type = 2")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(sent);
      }
      ProcessRuntime.awaitQuietly(worker.stop(), Duration.ofSeconds(30));
    } finally {
      runtime.closeBlocking(Duration.ofSeconds(15));
      pg.close();
      io.onegate.billing.TestFiles.deleteTree(java.nio.file.Path.of(pgDir).getParent());
    }
  }

  /** CPU seconds of this JVM (worker, broker) and of the PostgreSQL server (postmaster and backends). */
  private static double cpuSeconds() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0)
        + pgCpuSeconds();
  }

  /** The postmaster started on this bench's data directory (daemonized, so not our descendant) and its children. */
  private static double pgCpuSeconds() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(pgDir)).orElse(false))
        .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
        .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0)).sum();
  }

  private static UsageEvent event(SplittableRandom random, int i) {
    int user = 1 + random.nextInt(USERS) + 1; // root is user 1
    int token = (user - 2) * 2 + 1 + random.nextInt(2);
    return new UsageEvent(1, "bench-" + i, System.currentTimeMillis(), 2, user, "b" + (user - 1), token, "t",
        false, 1 + random.nextInt(50), 1, "default", "gpt-4o-mini", "gpt-4o-mini", 500 + random.nextInt(1000),
        random.nextInt(500), 1 + random.nextInt(2000), 0, true, 800, "success", 200, "模型倍率 0.08", false, "", 0,
        0);
  }

  /** PostgreSQL's WAL bytes and full-page images written so far, and checkpoints (timed + requested). */
  private static long[] wal(String dsn) throws Exception {
    try (Connection c = connect(dsn); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT w.wal_bytes::bigint, w.wal_fpi, b.checkpoints_timed + "
             + "b.checkpoints_req FROM pg_stat_wal w, pg_stat_bgwriter b")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
    }
  }

  private static long stored(Connection c) throws Exception {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Connection connect(String dsn) throws Exception {
    PostgresDsn d = PostgresDsn.parse(dsn);
    return DriverManager.getConnection(d.jdbcUrl(), d.user(), d.password());
  }
}
