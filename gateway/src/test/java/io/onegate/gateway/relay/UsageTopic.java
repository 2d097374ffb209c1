package io.onegate.gateway.relay;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.kafka.Topics;
import io.onegate.testkit.Eventually;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The usage topic of a test's gateway nodes, read from the beginning into memory by one thread of its own (its
 * partitions assigned directly: no consumer group to join). Tests wait for the events of their request ids; a
 * request with two events fails the wait.
 */
final class UsageTopic implements AutoCloseable {
  private final Map<String, UsageEvent> events = new ConcurrentHashMap<>();
  private final List<String> duplicated = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private volatile boolean open = true;

  private UsageTopic(Config config) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(Settings.KAFKA_BOOTSTRAP_SERVERS));
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    String topic = Topics.of(config).usage();
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    reader = new Thread(() -> {
      try (consumer) {
        while (open) {
          for (var rec : consumer.poll(Duration.ofMillis(100))) {
            UsageEvent e = UsageEvent.decode(rec.value());
            if (events.put(e.requestId(), e) != null) {
              duplicated.add(e.requestId());
            }
          }
        }
      }
    }, "usage-topic-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts reading the usage topic of {@code config}'s nodes (the topic must exist: start a node first). */
  static UsageTopic open(Config config) {
    return new UsageTopic(config);
  }

  /** The one usage event of {@code requestId}, waiting for it up to 30 s. */
  UsageEvent event(String requestId) {
    return events(List.of(requestId)).get(requestId);
  }

  /** The one usage event of each of {@code requestIds}, waiting for all of them up to 30 s. */
  Map<String, UsageEvent> events(Collection<String> requestIds) {
    Eventually.eventually(Duration.ofSeconds(30), "usage events of " + requestIds,
        () -> events.keySet().containsAll(requestIds));
    for (String id : requestIds) {
      if (duplicated.contains(id)) {
        throw new AssertionError("two usage events for request " + id);
      }
    }
    return Map.copyOf(events);
  }

  @Override
  public void close() throws InterruptedException {
    open = false;
    reader.join(5_000);
  }
}
