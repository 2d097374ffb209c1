package io.onegate.billing.consumer;

import io.onegate.billing.ledger.FlushResult;
import io.onegate.billing.ledger.LedgerWriter;
import io.onegate.billing.ledger.PendingBatch;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.options.Options;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The billing worker's Kafka consumer: one dedicated thread running a {@link KafkaConsumer} poll loop in group
 * {@value #GROUP}. Offsets live in PostgreSQL with the data ({@code enable.auto.commit=false}, nothing is ever
 * committed to Kafka): on every assignment each partition is sought to its stored offset (or the beginning).
 * Events accumulate in a {@link PendingBatch}; it is written by {@link LedgerWriter} as one transaction every
 * flush interval (or after every poll when batching is off), before partitions are revoked, and at a clean stop.
 * A failed flush drops the batch and rewinds the partitions to the offsets last stored: Kafka is the buffer, and
 * request-id idempotency makes the replay exact whether or not the failed commit actually happened.
 */
public final class UsageConsumer {
  public static final String GROUP = "onegate-billing";
  /** Flush early when this many records are buffered (bounds memory and transaction size). */
  static final int MAX_BATCH_RECORDS = 50_000;
  private static final Logger LOG = LoggerFactory.getLogger(UsageConsumer.class);
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration OPTIONS_REFRESH = Duration.ofSeconds(5);

  private final Properties kafkaProps;
  private final String topic;
  private final Pool pg;
  private final LedgerWriter writer;
  private final OffsetStore offsetStore;
  private final CommitListener listener;
  private final Clock clock;
  private final boolean batching;
  private final Duration interval;
  private final PendingBatch batch = new PendingBatch();
  private final Map<TopicPartition, Long> stored = new HashMap<>();
  private final AtomicLong appliedEvents = new AtomicLong();
  private final AtomicLong duplicateEvents = new AtomicLong();
  private final AtomicLong flushes = new AtomicLong();
  private final AtomicLong failedFlushes = new AtomicLong();
  private volatile Options options = Options.defaults();
  private volatile boolean running;
  private volatile boolean assigned;
  private KafkaConsumer<String, String> consumer;
  private Thread thread;
  private long optionsLoadedAt;
  private int consecutiveFailures;

  public UsageConsumer(String bootstrap, String topic, Pool pg, CommitListener listener, Clock clock,
                       boolean batching, Duration interval) {
    this.topic = topic;
    this.pg = pg;
    this.writer = new LedgerWriter(pg, GROUP, topic);
    this.offsetStore = new OffsetStore(pg, GROUP, topic);
    this.listener = listener;
    this.clock = clock;
    this.batching = batching;
    this.interval = interval;
    this.kafkaProps = new Properties();
    kafkaProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    kafkaProps.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    kafkaProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    kafkaProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    kafkaProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    kafkaProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    kafkaProps.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    kafkaProps.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
    // A crashed member's partitions move after the session timeout: keep it short (the broker's minimum is 6 s).
    kafkaProps.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
    kafkaProps.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1500);
    kafkaProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    kafkaProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
  }

  /** Starts the consumer thread. */
  public void start(String clientId) {
    kafkaProps.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    running = true;
    thread = new Thread(this::run, "billing-consumer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Flushes what is buffered, leaves the group and stops the thread (waits at most {@code timeout}). */
  public void stop(Duration timeout) {
    running = false;
    KafkaConsumer<String, String> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(timeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The options last loaded from PostgreSQL (refreshed every few seconds by the consumer thread). */
  public Options options() {
    return options;
  }

  /** True once partitions were assigned and sought at least once. */
  public boolean assigned() {
    return assigned;
  }

  public long appliedEvents() {
    return appliedEvents.get();
  }

  public long duplicateEvents() {
    return duplicateEvents.get();
  }

  public long flushes() {
    return flushes.get();
  }

  public long failedFlushes() {
    return failedFlushes.get();
  }

  private void run() {
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(kafkaProps)) {
      consumer = c;
      refreshOptions(true);
      c.subscribe(List.of(topic), new Rebalance());
      long nextFlush = clock.millis() + interval.toMillis();
      while (running) {
        ConsumerRecords<String, String> records;
        try {
          long wait = batching ? Math.max(1, Math.min(200, nextFlush - clock.millis())) : 200;
          records = c.poll(Duration.ofMillis(wait));
        } catch (WakeupException e) {
          continue;
        }
        for (ConsumerRecord<String, String> r : records) {
          batch.add(r.partition(), r.offset(), decode(r));
        }
        long now = clock.millis();
        boolean due = !batching || now >= nextFlush || batch.records() >= MAX_BATCH_RECORDS;
        if (due) {
          refreshOptions(false);
          if (!batch.isEmpty()) {
            flushOrRewind(c.assignment());
          }
          nextFlush = clock.millis() + interval.toMillis();
        }
      }
      if (!batch.isEmpty()) {
        flushOrRewind(List.of());
      }
      LOG.info("billing consumer stopped: applied={} duplicates={} flushes={}", appliedEvents.get(),
          duplicateEvents.get(), flushes.get());
    } catch (RuntimeException e) {
      LOG.error("billing consumer failed: {}", e.toString());
    }
  }

  private UsageEvent decode(ConsumerRecord<String, String> r) {
    try {
      return UsageEvent.decode(r.value());
    } catch (RuntimeException e) {
      LOG.error("skipping undecodable usage record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
          e.getMessage());
      return null;
    }
  }

  /** Writes the batch; on failure drops it and seeks {@code rewind} back to the stored offsets. */
  private boolean flushOrRewind(Collection<TopicPartition> rewind) {
    int records = batch.records();
    long started = System.nanoTime();
    try {
      FlushResult result = await(writer.flush(batch, options.bool("LogConsumeEnabled")), FLUSH_TIMEOUT);
      batch.nextOffsets().forEach((p, o) -> stored.put(new TopicPartition(topic, p), o));
      batch.clear();
      consecutiveFailures = 0;
      flushes.incrementAndGet();
      appliedEvents.addAndGet(result.applied().size());
      duplicateEvents.addAndGet(result.duplicates());
      LOG.debug("flushed {} records in {} ms: {} applied, {} duplicates", records,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), result.applied().size(), result.duplicates());
      try {
        listener.committed(result);
      } catch (RuntimeException e) {
        LOG.warn("commit listener failed: {}", e.toString());
      }
      return true;
    } catch (Exception e) {
      failedFlushes.incrementAndGet();
      consecutiveFailures++;
      LOG.warn("flush of {} records failed, replaying from the stored offsets: {}", records, e.toString());
      batch.clear();
      for (TopicPartition tp : rewind) {
        seekToStored(tp);
      }
      sleep(Math.min(10_000L, 250L << Math.min(6, consecutiveFailures)));
      return false;
    }
  }

  private void seekToStored(TopicPartition tp) {
    Long offset = stored.get(tp);
    if (offset == null) {
      consumer.seekToBeginning(List.of(tp));
    } else {
      consumer.seek(tp, offset);
    }
  }

  private void refreshOptions(boolean force) {
    long now = clock.millis();
    if (!force && now - optionsLoadedAt < OPTIONS_REFRESH.toMillis()) {
      return;
    }
    try {
      options = await(Options.load(pg), Duration.ofSeconds(5));
      optionsLoadedAt = now;
    } catch (Exception e) {
      LOG.warn("cannot reload options, keeping the previous ones: {}", e.toString());
      optionsLoadedAt = now;
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (!batch.isEmpty()) {
        List<TopicPartition> kept = new ArrayList<>(consumer.assignment());
        kept.removeAll(partitions);
        flushOrRewind(kept);
      }
      partitions.forEach(stored::remove);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Not ours any more: nothing of the batch may be written; the new owner replays from the stored offsets.
      batch.clear();
      partitions.forEach(stored::remove);
      List<TopicPartition> kept = new ArrayList<>(consumer.assignment());
      kept.removeAll(partitions);
      kept.forEach(UsageConsumer.this::seekToStored);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Map<Integer, Long> offsets = null;
      while (offsets == null && running) {
        try {
          offsets = await(offsetStore.load(), Duration.ofSeconds(10));
        } catch (Exception e) {
          LOG.warn("cannot read stored offsets, retrying: {}", e.toString());
          sleep(1000);
        }
      }
      if (offsets == null) {
        return;
      }
      for (TopicPartition tp : partitions) {
        Long offset = offsets.get(tp.partition());
        if (offset != null) {
          stored.put(tp, offset);
        }
        seekToStored(tp);
      }
      assigned = true;
      LOG.info("assigned {} partition(s) of {}: {}", partitions.size(), topic, partitions.stream()
          .map(tp -> tp.partition() + "@" + stored.getOrDefault(tp, 0L)).toList());
    }
  }

  static <T> T await(Future<T> future, Duration timeout) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
