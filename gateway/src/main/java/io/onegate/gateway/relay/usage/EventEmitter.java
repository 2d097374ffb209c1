package io.onegate.gateway.relay.usage;

import io.onegate.common.event.AttemptOutcome;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.event.UsageSink;
import io.onegate.common.kafka.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers usage events and attempt outcomes to Kafka, durably, without ever blocking on Kafka or failing a
 * request.
 *
 * <p>{@link #emit} encodes the record and appends it to the node's {@link EventJournal} on the caller's thread (one
 * positional write into the OS page cache, a few microseconds): once it returns, the record survives a {@code kill -9}
 * of the process. One emitter thread reads the journal in order and sends to an idempotent {@code acks=all} producer;
 * the highest sequence below which Kafka acknowledged everything is checkpointed and the journal truncated behind
 * it. When a send fails (broker unreachable past the delivery timeout) the thread stops reading the journal, waits
 * for the sends in flight and probes Kafka with the first failed record every {@code probeInterval}; once it lands,
 * the other failed records are re-sent and reading resumes. Records are never dropped: the journal is the queue (it
 * grows on disk while Kafka is away). A record reaches Kafka twice only after a crash (acknowledged, but the process
 * died before the checkpoint moved); consumers de-duplicate by request id. At start-up the unacknowledged tail a
 * previous run left is sent.
 *
 * <p>As the relay's {@link UsageSink}, usage events go to the usage topic keyed by user and attempt outcomes to the
 * attempts topic keyed by channel, encoded to UTF-8 and journaled before {@link #usage}/{@link #outcome} return: with
 * the sink's ordering contract (the usage event before the answer's last bytes), an answered request is billed even
 * when its gateway is killed right after answering.
 */
public final class EventEmitter implements UsageSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventEmitter.class);
  /** Segment size of the journal; a record larger than this gets a segment of its own. */
  static final int SEGMENT_BYTES = 16 * 1024 * 1024;
  /** Group commit against power loss: the journal is forced to disk this often (a process crash loses nothing). */
  static final Duration FSYNC_INTERVAL = Duration.ofSeconds(1);
  private static final int MAX_IN_FLIGHT = 50_000;
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final Topics topics;
  private final EventJournal journal;
  private final Producer<String, byte[]> producer;
  private final Duration probeInterval;
  private final Thread thread;
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong emitFailures = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger unresolved = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean healthy = true;
  private boolean outageLogged;
  private volatile boolean running = true;
  private volatile long drainDeadline = Long.MAX_VALUE;

  /** A record handed to the producer and not yet resolved; state is set by the producer's callback thread. */
  private static final class InFlight {
    final EventJournal.Entry entry;
    volatile int state; // 0 pending, 1 acknowledged, 2 failed

    InFlight(EventJournal.Entry entry) {
      this.entry = entry;
    }
  }

  public EventEmitter(Topics topics, Map<String, Object> producerProps, Path journalDir, Duration probeInterval)
      throws IOException {
    this.topics = topics;
    this.journal = new EventJournal(journalDir, SEGMENT_BYTES);
    this.probeInterval = probeInterval;
    this.producer = new KafkaProducer<>(producerConfig(producerProps));
    this.thread = new Thread(this::run, "onegate-event-emitter");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Byte values straight from the journal; producer waits bounded so a dead broker is noticed within seconds. */
  static Map<String, Object> producerConfig(Map<String, Object> props) {
    Map<String, Object> p = new HashMap<>(props);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
    p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
    p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8000);
    p.putIfAbsent(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    return p;
  }

  /**
   * Journals {@code record} (encoding it on this thread); when this returns the record is durable against the
   * death of the process. Never blocks on Kafka, never throws: a journal that cannot be written (disk full) is
   * logged and counted ({@code onegate_usage_emit_failures}).
   */
  public void emit(EventRecord record) {
    try {
      journal.append(record.topic(), record.key(), record.utf8());
    } catch (IOException | RuntimeException e) {
      emitFailures.incrementAndGet();
      LOG.error("event {} could not be journaled: {}", record, e.toString());
    }
  }

  @Override
  public void usage(UsageEvent event) {
    emit(EventRecord.utf8Later(topics.usage(), event.kafkaKey(), event::encodeUtf8));
  }

  @Override
  public void outcome(AttemptOutcome outcome) {
    emit(EventRecord.utf8Later(topics.attempts(), outcome.kafkaKey(), outcome::encodeUtf8));
  }

  /** Records acknowledged by Kafka since start (tests and metrics). */
  public long delivered() {
    return delivered.get();
  }

  /** Records journaled and not yet acknowledged by Kafka (tests and metrics). */
  public long pending() {
    return journal.pending();
  }

  /** Records that could not be journaled (tests and metrics). */
  public long emitFailures() {
    return emitFailures.get();
  }

  private void run() {
    long nextProbe = 0;
    long nextSync = System.nanoTime() + FSYNC_INTERVAL.toNanos();
    while (running || (System.nanoTime() - drainDeadline < 0 && (journal.pending() > 0 || !inFlight.isEmpty()))) {
      boolean busy = false;
      if (healthy) {
        busy = sendAvailable();
      } else if (unresolved.get() == 0 && System.nanoTime() - nextProbe >= 0) {
        retryFailed();
        nextProbe = System.nanoTime() + probeInterval.toNanos();
      }
      busy |= settleAcknowledged();
      if (System.nanoTime() - nextSync >= 0) {
        syncQuietly();
        nextSync = System.nanoTime() + FSYNC_INTERVAL.toNanos();
      }
      try {
        journal.prepareSpare();
      } catch (IOException e) {
        LOG.warn("cannot prepare the next journal segment: {}", e.getMessage());
      }
      if (!busy) {
        // Polled, not signalled: emit() stays one write (no thread wake-up per request); the producer lingers
        // longer than this anyway.
        LockSupport.parkNanos(IDLE_PARK_NANOS);
      }
    }
  }

  /** Hands the journaled records not yet sent to the producer until one fails; false when there was none. */
  private boolean sendAvailable() {
    boolean any = false;
    EventJournal.Entry e;
    while (healthy && inFlight.size() < MAX_IN_FLIGHT && (e = journal.next()) != null) {
      any = true;
      InFlight f = new InFlight(e);
      inFlight.add(f);
      send(f);
    }
    return any;
  }

  /** Sends asynchronously; a failure (reported to the callback, maybe inside send) stops further sending. */
  private void send(InFlight f) {
    f.state = 0;
    unresolved.incrementAndGet();
    try {
      producer.send(new ProducerRecord<>(f.entry.topic(), f.entry.key(), f.entry.value()), (meta, err) -> {
        if (err != null) {
          healthy = false;
        }
        f.state = err == null ? 1 : 2;
        unresolved.decrementAndGet();
      });
    } catch (RuntimeException ex) {
      healthy = false;
      f.state = 2;
      unresolved.decrementAndGet();
    }
  }

  /** Moves the acknowledged watermark over the leading acknowledged records; true when it moved. */
  private boolean settleAcknowledged() {
    long before = journal.acknowledged();
    InFlight head;
    while ((head = inFlight.peekFirst()) != null && head.state == 1) {
      inFlight.pollFirst();
      delivered.incrementAndGet();
      journal.acknowledge(head.entry.seq());
    }
    if (!healthy && !outageLogged) {
      outageLogged = true;
      LOG.warn("Kafka did not take event records: holding them in the journal until it does ({} pending)",
          journal.pending());
    }
    return journal.acknowledged() != before;
  }

  /**
   * Once every send is resolved: re-sends the first failed record and waits for it; when it lands, the other failed
   * ones are re-sent and normal sending resumes. Records Kafka did acknowledge are not sent again.
   */
  private void retryFailed() {
    InFlight first = null;
    for (InFlight f : inFlight) {
      if (f.state == 2) {
        first = f;
        break;
      }
    }
    if (first == null) {
      healthy = true;
      return;
    }
    try {
      producer.send(new ProducerRecord<>(first.entry.topic(), first.entry.key(), first.entry.value())).get();
    } catch (Exception e) {
      LOG.debug("Kafka still unavailable ({} event records held): {}", journal.pending(), e.getMessage());
      return;
    }
    first.state = 1;
    healthy = true;
    outageLogged = false;
    LOG.info("Kafka takes event records again; sending the {} held in the journal", journal.pending());
    for (InFlight f : inFlight) {
      if (f.state == 2) {
        send(f);
      }
    }
  }

  private void syncQuietly() {
    try {
      journal.sync();
    } catch (RuntimeException e) {
      LOG.warn("cannot force the event journal to disk: {}", e.toString());
    }
  }

  /**
   * Stops after delivering what is journaled (at most {@code timeout}), then closes the producer and the journal.
   * Records Kafka did not acknowledge by then stay in the journal and are sent at the next start.
   */
  public void close(Duration timeout) {
    drainDeadline = System.nanoTime() + timeout.toNanos();
    running = false;
    try {
      thread.join(timeout.toMillis() + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(2));
    long left = journal.pending();
    if (left > 0) {
      LOG.warn("{} event record(s) not yet acknowledged by Kafka stay in the journal for the next start", left);
    }
    try {
      journal.close();
    } catch (IOException e) {
      LOG.warn("closing the event journal: {}", e.getMessage());
    }
  }

  /** {@link #close(Duration)} with 10 seconds. */
  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
