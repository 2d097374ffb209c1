package io.onegate.gateway.relay.usage;

import io.onegate.common.event.AttemptOutcome;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.event.UsageSink;
import io.onegate.common.kafka.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers usage events and attempt outcomes to Kafka without ever blocking or failing a request.
 *
 * <p>{@link #emit} is a lock-free offer to a bounded in-memory queue. One emitter thread drains it: while Kafka
 * accepts records they are sent (idempotent producer); when a send fails (broker unreachable past the delivery
 * timeout) or older records are already spilled, records go to an append-only {@link SpillFile} instead, so order
 * per key is kept and nothing is lost. Every {@code probeInterval} the thread replays the spill file: it sends the
 * spilled records, waits for all acknowledgements and only then drops them from the file. A record may thus be
 * sent twice (if acknowledged but the drop did not happen, e.g. a crash); consumers de-duplicate by request id.
 * If the in-memory queue is full, the record is appended to the spill file directly (rare; a small synchronous
 * file write on the caller's thread rather than a lost event).
 *
 * <p>As the relay's {@link UsageSink}, usage events go to the usage topic keyed by user and attempt outcomes to the
 * attempts topic keyed by channel, encoded on the emitter's thread.
 */
public final class EventEmitter implements UsageSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventEmitter.class);
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final Queue<EventRecord> queue = new ConcurrentLinkedQueue<>();
  private final Queue<EventRecord> failed = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong delivered = new AtomicLong();
  private final int capacity;
  private final SpillFile spill;
  private final Producer<String, String> producer;
  private final Duration probeInterval;
  private final Topics topics;
  private final Thread thread;
  private volatile boolean healthy = true;
  private volatile boolean running = true;

  public EventEmitter(Topics topics, Map<String, Object> producerProps, Path spillDir, int capacity,
                      Duration probeInterval) throws IOException {
    this.topics = topics;
    this.capacity = capacity;
    this.spill = new SpillFile(spillDir);
    this.probeInterval = probeInterval;
    this.producer = new KafkaProducer<>(withBoundedWaits(producerProps));
    this.healthy = spill.isEmpty();
    this.thread = new Thread(this::run, "onegate-event-emitter");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Producer waits bounded so a dead broker is noticed within seconds, not minutes. */
  static Map<String, Object> withBoundedWaits(Map<String, Object> props) {
    Map<String, Object> p = new java.util.HashMap<>(props);
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
    p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
    p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8000);
    p.putIfAbsent(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    return p;
  }

  /** Hands a record over; never blocks on Kafka, never throws. */
  public void emit(EventRecord record) {
    if (queued.incrementAndGet() <= capacity) {
      queue.add(record);
      return;
    }
    queued.decrementAndGet();
    try {
      spill.append(record);
      healthy = false;
    } catch (IOException e) {
      LOG.error("event {} could not be queued nor spilled: {}", record.key(), e.getMessage());
    }
  }

  @Override
  public void usage(UsageEvent event) {
    emit(EventRecord.encodedLater(topics.usage(), event.kafkaKey(), event::encode));
  }

  @Override
  public void outcome(AttemptOutcome outcome) {
    emit(EventRecord.encodedLater(topics.attempts(), outcome.kafkaKey(), outcome::encode));
  }

  /** Records acknowledged by Kafka so far (for tests and metrics). */
  public long delivered() {
    return delivered.get();
  }

  /** Records waiting in the spill file. */
  public long spilled() {
    return spill.size();
  }

  private void run() {
    long nextProbe = System.nanoTime();
    while (running || !queue.isEmpty()) {
      EventRecord failedRecord;
      while ((failedRecord = failed.poll()) != null) {
        spillQuietly(failedRecord);
      }
      EventRecord record = queue.poll();
      if (record != null) {
        queued.decrementAndGet();
        if (healthy && spill.isEmpty()) {
          send(record);
        } else {
          spillQuietly(record);
        }
        continue;
      }
      if ((!healthy || !spill.isEmpty()) && System.nanoTime() - nextProbe >= 0) {
        replay();
        nextProbe = System.nanoTime() + probeInterval.toNanos();
      }
      // Polled, not signalled: emit() stays a plain queue offer (no wake-up syscall per request); the producer
      // lingers longer than this anyway.
      LockSupport.parkNanos(IDLE_PARK_NANOS);
    }
  }

  private void send(EventRecord record) {
    try {
      producer.send(new ProducerRecord<>(record.topic(), record.key(), record.value()), (meta, err) -> {
        if (err == null) {
          delivered.incrementAndGet();
        } else {
          healthy = false;
          failed.add(record);
        }
      });
    } catch (RuntimeException e) {
      healthy = false;
      spillQuietly(record);
    }
  }

  /** Sends every spilled record and waits for the acknowledgements; drops them from the file only when all landed. */
  private void replay() {
    List<EventRecord> pending;
    try {
      pending = spill.readAll();
    } catch (IOException e) {
      LOG.error("cannot read the event spill file: {}", e.getMessage());
      return;
    }
    if (pending.isEmpty()) {
      healthy = failed.isEmpty();
      return;
    }
    try {
      EventRecord first = pending.get(0);
      // Probe with one record first: a dead broker costs one bounded wait, not one per record.
      producer.send(new ProducerRecord<>(first.topic(), first.key(), first.value())).get();
      List<java.util.concurrent.Future<?>> acks = new java.util.ArrayList<>(pending.size());
      for (EventRecord r : pending.subList(1, pending.size())) {
        acks.add(producer.send(new ProducerRecord<>(r.topic(), r.key(), r.value())));
      }
      producer.flush();
      for (java.util.concurrent.Future<?> ack : acks) {
        ack.get();
      }
      spill.dropFirst(pending.size());
      delivered.addAndGet(pending.size());
      healthy = true;
      LOG.info("replayed {} spilled events to Kafka", pending.size());
    } catch (Exception e) {
      healthy = false;
      LOG.warn("Kafka still unavailable ({} events spilled): {}", pending.size(), e.getMessage());
    }
  }

  private void spillQuietly(EventRecord record) {
    try {
      spill.append(record);
    } catch (IOException e) {
      LOG.error("event {} could not be spilled: {}", record.key(), e.getMessage());
    }
  }

  /** Drains what is queued (bounded by {@code timeout}), then closes the producer and the spill file. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(3));
    EventRecord r;
    while ((r = failed.poll()) != null) {
      spillQuietly(r);
    }
    try {
      spill.close();
    } catch (IOException e) {
      LOG.warn("closing the spill file: {}", e.getMessage());
    }
  }
}
