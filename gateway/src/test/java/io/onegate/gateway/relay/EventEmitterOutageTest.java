package io.onegate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Config;
import io.onegate.common.kafka.KafkaSupport;
import io.onegate.embedded.EmbeddedKafka;
import io.onegate.embedded.FreePorts;
import io.onegate.gateway.relay.usage.EventEmitter;
import io.onegate.gateway.relay.usage.EventRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Kafka is unreachable (nothing listens on the broker port) while events are emitted; emitting never blocks;
 * events wait in the journal; then a real broker starts on that port and every event arrives exactly once.
 */
class EventEmitterOutageTest {

  @Test
  void eventsEmittedWhileKafkaIsDownArriveOnceItIsBack() throws Exception {
    int port = FreePorts.find();
    String bootstrap = "127.0.0.1:" + port;
    Map<String, Object> props = KafkaSupport.producerProps(Config.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap)),
        "outage-test");
    Path spill = Files.createTempDirectory("onegate-spill-test");
    Set<String> ids = new HashSet<>();
    EmbeddedKafka kafka = null;
    try (EventEmitter emitter = new EventEmitter(new io.onegate.common.kafka.Topics("usage-outage",
        "attempts-outage"), props, spill, Duration.ofMillis(500))) {
      long worst = 0;
      for (int i = 0; i < 120; i++) {
        String id = "req-" + i;
        ids.add(id);
        long t = System.nanoTime();
        emitter.emit(new EventRecord("usage-outage", Integer.toString(i % 7), "{\"request_id\":\"" + id + "\"}"));
        worst = Math.max(worst, System.nanoTime() - t);
        if (i % 10 == 0) {
          Thread.sleep(50);
        }
      }
      Thread.sleep(4000); // the outage: several failed probes
      assertThat(emitter.delivered()).isZero();
      assertThat(emitter.pending()).isEqualTo(120);
      assertThat(worst / 1_000_000).as("ms of the slowest emit (never waits for Kafka)").isLessThan(500);

      kafka = EmbeddedKafka.start(Files.createTempDirectory("onegate-outage-kafka"), port);
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin.createTopics(List.of(new NewTopic("usage-outage", 3, (short) 1))).all().get();
      }
      io.onegate.testkit.Eventually.eventually(Duration.ofSeconds(60), "all 120 acknowledged",
          () -> emitter.delivered() >= 120);
      assertThat(emitter.delivered()).isEqualTo(120);
      assertThat(emitter.pending()).isZero();

      List<String> seen = new ArrayList<>();
      Properties cp = new Properties();
      cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      cp.put(ConsumerConfig.GROUP_ID_CONFIG, "outage-check");
      cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
        consumer.subscribe(List.of("usage-outage"));
        long until = System.currentTimeMillis() + 20_000;
        while (seen.size() < 120 && System.currentTimeMillis() < until) {
          consumer.poll(Duration.ofMillis(300)).forEach(r -> seen.add(
              new io.vertx.core.json.JsonObject(r.value()).getString("request_id")));
        }
        consumer.poll(Duration.ofMillis(1000)).forEach(r -> seen.add(
            new io.vertx.core.json.JsonObject(r.value()).getString("request_id")));
      }
      assertThat(seen).hasSize(120).doesNotHaveDuplicates();
      assertThat(new HashSet<>(seen)).isEqualTo(ids);
    } finally {
      if (kafka != null) {
        kafka.close();
      }
    }
  }
}
