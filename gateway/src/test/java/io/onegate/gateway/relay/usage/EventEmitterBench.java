package io.onegate.gateway.relay.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.error.FailureClass;
import io.onegate.common.event.AttemptOutcome;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.kafka.KafkaSupport;
import io.onegate.testkit.Figures;
import io.onegate.testkit.TestInfra;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not part of the suite: run with {@code -Dtest=EventEmitterBench}): what the durable emit costs a relayed
 * request on its event loop — one usage event and one attempt outcome emitted as the relay's filters do (records
 * encoded when journaled), paced at {@code bench.rate} requests/s against the real broker — next to the cost of the
 * two encodings alone (the part that moved from the emitter thread onto the event loop).
 */
class EventEmitterBench {
  private static final int WARMUP = Integer.getInteger("bench.warmup", 100_000);
  private static final int REQUESTS = Integer.getInteger("bench.requests", 100_000);
  private static final int RATE = Integer.getInteger("bench.rate", 5_000);

  @Test
  void emitCostPerRequest() throws Exception {
    var config = TestInfra.get().freshConfig();
    String usageTopic = "bench-usage-" + System.nanoTime();
    String attemptTopic = "bench-attempts-" + System.nanoTime();
    try (Admin admin = KafkaSupport.admin(config)) {
      admin.createTopics(List.of(new NewTopic(usageTopic, 3, (short) 1), new NewTopic(attemptTopic, 3, (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
    }
    Map<String, Object> producer = KafkaSupport.producerProps(config, "emit-bench");
    producer.put("linger.ms", 200);
    producer.put("batch.size", 128 * 1024);
    try (EventEmitter emitter = new EventEmitter(new io.onegate.common.kafka.Topics("usage", "attempts"), producer, Files.createTempDirectory("onegate-emit-bench"),
        Duration.ofSeconds(2))) {
      run(emitter, usageTopic, attemptTopic, WARMUP, false);
      run(emitter, usageTopic, attemptTopic, WARMUP, true);
      long[] emit = run(emitter, usageTopic, attemptTopic, REQUESTS, false);
      long[] emitUtf8 = run(emitter, usageTopic, attemptTopic, REQUESTS, true);
      long[] encode = encodeOnly(REQUESTS);
      io.onegate.testkit.Eventually.eventually(Duration.ofSeconds(60), "all delivered",
          () -> emitter.pending() == 0);
      assertThat(emitter.emitFailures()).isZero();
      Figures.report("EMIT BENCH: %d requests at %d/s, 2 records each: emit (String records) p50 %.1f us, p90 %.1f us, "
              + "p99 %.1f us, p99.9 %.1f us; emit (UTF-8 records) p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 %.1f us; "
              + "the two String encodings alone p50 %.1f us, p99 %.1f us", REQUESTS, RATE,
          pct(emit, 50), pct(emit, 90), pct(emit, 99), pct(emit, 99.9), pct(emitUtf8, 50), pct(emitUtf8, 90),
          pct(emitUtf8, 99), pct(emitUtf8, 99.9), pct(encode, 50), pct(encode, 99));
    }
  }

  /** Emits {@code n} request pairs at the paced rate; returns the sorted nanoseconds per pair. */
  private static long[] run(EventEmitter emitter, String usageTopic, String attemptTopic, int n, boolean utf8) {
    long[] took = new long[n];
    long interval = 1_000_000_000L / RATE;
    long next = System.nanoTime();
    for (int i = 0; i < n; i++) {
      while (System.nanoTime() - next < 0) {
        Thread.onSpinWait();
      }
      next += interval;
      UsageEvent usage = usage(i);
      AttemptOutcome outcome = outcome(i);
      long t = System.nanoTime();
      if (utf8) {
        emitter.emit(EventRecord.utf8Later(usageTopic, usage.kafkaKey(), usage::encodeUtf8));
        emitter.emit(EventRecord.utf8Later(attemptTopic, outcome.kafkaKey(), outcome::encodeUtf8));
      } else {
        emitter.emit(EventRecord.encodedLater(usageTopic, usage.kafkaKey(), usage::encode));
        emitter.emit(EventRecord.encodedLater(attemptTopic, outcome.kafkaKey(), outcome::encode));
      }
      took[i] = System.nanoTime() - t;
    }
    Arrays.sort(took);
    return took;
  }

  private static long[] encodeOnly(int n) {
    long[] took = new long[n];
    long sink = 0;
    for (int i = 0; i < n; i++) {
      UsageEvent usage = usage(i);
      AttemptOutcome outcome = outcome(i);
      long t = System.nanoTime();
      sink += usage.encode().length() + outcome.encode().length();
      took[i] = System.nanoTime() - t;
    }
    assertThat(sink).isPositive();
    Arrays.sort(took);
    return took;
  }

  private static UsageEvent usage(int i) {
    return new UsageEvent(UsageEvent.SCHEMA_VERSION, "2026120416000012345678" + i, 1_764_864_000_000L + i,
        UsageEvent.TYPE_CONSUME, 1 + i % 500, "user" + (i % 500), 10 + i % 500, "token", false, 3, 1, "default",
        "gpt-4o-mini", "gpt-4o-mini", 11, 7, 23, 500, i % 4 == 0, 3, "success", 200, "模型倍率 0.075，补全倍率 4",
        false, "epoch-1", 0, UsageEvent.UNKNOWN_GENERATION);
  }

  private static AttemptOutcome outcome(int i) {
    return new AttemptOutcome(AttemptOutcome.SCHEMA_VERSION, "2026120416000012345678" + i + "-0",
        "2026120416000012345678" + i, 1_764_864_000_000L + i, 3, 1, "gpt-4o-mini", 200, FailureClass.NONE, "", 3,
        true, "relay", 0);
  }

  private static double pct(long[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * p / 100))] / 1000.0;
  }
}
