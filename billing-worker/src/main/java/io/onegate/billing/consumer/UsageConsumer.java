package io.onegate.billing.consumer;

import io.onegate.billing.ledger.FlushResult;
import io.onegate.billing.ledger.LedgerWriter;
import io.onegate.billing.ledger.PendingBatch;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.event.UsageEventCodec;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The billing worker's Kafka consumer: one dedicated thread running a {@link KafkaConsumer} poll loop in group
 * {@value #GROUP}. Offsets live in PostgreSQL with the data ({@code enable.auto.commit=false}, nothing is ever
 * committed to Kafka): on every assignment each partition is sought to its stored offset (or the beginning).
 * Events accumulate in a {@link PendingBatch}; it is written by {@link LedgerWriter} as one transaction every
 * flush interval (or after every poll when batching is off), before partitions are revoked, and at a clean stop.
 *
 * <p>Double buffering: while one flush's transaction runs, the thread keeps polling into the next batch; at most
 * one flush is in flight, and flushes commit in consumption order (the next starts only after the previous one
 * committed), so the offsets stored with each batch only move forward. A failed flush drops its batch AND the one
 * being filled, and rewinds the partitions to the offsets last stored: Kafka is the buffer, and request-id
 * idempotency makes the replay exact whether or not the failed commit actually happened. Every rebalance callback
 * first waits for the flush in flight. The {@link CommitListener} runs on its own thread, in commit order, so
 * live-balance updates never hold up consumption.
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
  /** Runs the commit listener off the poll loop; a few results may queue, then the consumer thread runs it. */
  private final ExecutorService listenerThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(4), r -> {
        Thread t = new Thread(r, "billing-commit-listener");
        t.setDaemon(true);
        return t;
      }, (task, executor) -> task.run());
  private PendingBatch batch = new PendingBatch();
  private PendingBatch spare = new PendingBatch();
  private InFlight inFlight;
  private final Map<TopicPartition, Long> stored = new HashMap<>();
  private final AtomicLong appliedEvents = new AtomicLong();
  private final AtomicLong duplicateEvents = new AtomicLong();
  private final AtomicLong flushes = new AtomicLong();
  private final AtomicLong failedFlushes = new AtomicLong();
  private volatile Options options = Options.defaults();
  private volatile boolean running;
  private volatile boolean assigned;
  private KafkaConsumer<String, byte[]> consumer;
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
    kafkaProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
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
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (thread != null) {
        thread.join(timeout.toMillis());
      }
      listenerThread.shutdown();
      listenerThread.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafkaProps)) {
      consumer = c;
      refreshOptions(true);
      c.subscribe(List.of(topic), new Rebalance());
      long nextFlush = clock.millis() + interval.toMillis();
      while (running) {
        ConsumerRecords<String, byte[]> records;
        try {
          long wait = batching ? Math.max(1, Math.min(200, nextFlush - clock.millis())) : 200;
          if (inFlight != null) {
            wait = Math.min(wait, 20); // come back soon to pick up the result
          }
          records = c.poll(Duration.ofMillis(wait));
        } catch (WakeupException e) {
          continue;
        }
        for (ConsumerRecord<String, byte[]> r : records) {
          batch.add(r.partition(), r.offset(), decode(r));
        }
        if (inFlight != null && inFlight.result.isComplete()) {
          finish(c.assignment());
        }
        long now = clock.millis();
        boolean due = !batching || now >= nextFlush || batch.records() >= MAX_BATCH_RECORDS;
        if (due) {
          refreshOptions(false);
          if (!batch.isEmpty()) {
            finish(c.assignment()); // at most one flush in flight, committed in order
            if (!batch.isEmpty()) {
              startFlush();
            }
          }
          nextFlush = clock.millis() + interval.toMillis();
        }
      }
      flushAll(List.of());
      LOG.info("billing consumer stopped: applied={} duplicates={} flushes={}", appliedEvents.get(),
          duplicateEvents.get(), flushes.get());
    } catch (RuntimeException e) {
      LOG.error("billing consumer failed: {}", e.toString());
    }
  }

  private UsageEvent decode(ConsumerRecord<String, byte[]> r) {
    try {
      return UsageEventCodec.decode(r.value());
    } catch (RuntimeException e) {
      LOG.error("skipping undecodable usage record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
          e.getMessage());
      return null;
    }
  }

  /** A flush whose transaction is running: its batch (kept for the offsets) and when it started. */
  private record InFlight(PendingBatch batch, Future<FlushResult> result, long startedNanos) {
  }

  /** Hands the current batch to the writer without waiting; the next one fills the spare batch meanwhile. */
  private void startFlush() {
    PendingBatch sending = batch;
    batch = spare;
    spare = sending;
    Future<FlushResult> result;
    try {
      result = writer.flush(sending, options.bool("LogConsumeEnabled"));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    inFlight = new InFlight(sending, result, System.nanoTime());
  }

  /**
   * Waits for the flush in flight, if any. On success the stored offsets advance and the listener is told; on
   * failure the batch being filled is dropped too and {@code rewind} is sought back to the stored offsets.
   *
   * @return false when the flush failed
   */
  private boolean finish(Collection<TopicPartition> rewind) {
    InFlight f = inFlight;
    if (f == null) {
      return true;
    }
    inFlight = null;
    int records = f.batch.records();
    FlushResult result;
    try {
      result = await(f.result, FLUSH_TIMEOUT);
    } catch (Exception e) {
      failedFlushes.incrementAndGet();
      consecutiveFailures++;
      LOG.warn("flush of {} records failed, replaying from the stored offsets ({} more records dropped): {}",
          records, batch.records(), e.toString());
      f.batch.clear();
      batch.clear();
      for (TopicPartition tp : rewind) {
        seekToStored(tp);
      }
      sleep(Math.min(10_000L, 250L << Math.min(6, consecutiveFailures)));
      return false;
    }
    f.batch.nextOffsets().forEach((p, o) -> stored.put(new TopicPartition(topic, p), o));
    f.batch.clear();
    consecutiveFailures = 0;
    flushes.incrementAndGet();
    appliedEvents.addAndGet(result.applied().size());
    duplicateEvents.addAndGet(result.duplicates());
    LOG.debug("flushed {} records in {} ms: {} applied, {} duplicates", records,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - f.startedNanos), result.applied().size(),
        result.duplicates());
    Runnable tell = () -> {
      try {
        listener.committed(result);
      } catch (RuntimeException e) {
        LOG.warn("commit listener failed: {}", e.toString());
      }
    };
    listenerThread.execute(tell); // runs here when the queue is full or the executor stopped
    return true;
  }

  /** Writes everything consumed (the flush in flight, then the current batch) and waits for it. */
  private void flushAll(Collection<TopicPartition> rewind) {
    if (finish(rewind) && !batch.isEmpty()) {
      startFlush();
      finish(rewind);
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
      List<TopicPartition> kept = new ArrayList<>(consumer.assignment());
      kept.removeAll(partitions);
      flushAll(kept);
      partitions.forEach(stored::remove);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Not ours any more: nothing more of what was consumed may be written; the new owner replays from the stored
      // offsets (a flush already in flight may still commit: the new owner's claims skip what it wrote).
      List<TopicPartition> kept = new ArrayList<>(consumer.assignment());
      kept.removeAll(partitions);
      finish(kept);
      batch.clear();
      partitions.forEach(stored::remove);
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
