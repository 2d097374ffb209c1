package io.onegate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.kafka.KafkaSupport;
import io.onegate.common.kafka.Topics;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.testkit.TestInfra;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway processes (two Hazelcast members) start concurrently on one empty database, a real Kafka broker and
 * a real PostgreSQL: migrations run once, root is created once, both report ready, and they form one cluster.
 */
class FoundationTest {
  private static ProcessRuntime first;
  private static ProcessRuntime second;
  private static ProcessMain.Application firstApp;
  private static Config config;

  @BeforeAll
  static void start() throws Exception {
    config = TestInfra.get().freshConfig();
    Config secondConfig = config.with(Settings.PORT, io.onegate.embedded.FreePorts.find());
    var a = ProcessRuntime.start(config).toCompletionStage().toCompletableFuture();
    var b = ProcessRuntime.start(secondConfig).toCompletionStage().toCompletableFuture();
    first = a.get(90, TimeUnit.SECONDS);
    second = b.get(90, TimeUnit.SECONDS);
    firstApp = GatewayApplication.start(first).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (firstApp != null) {
      ProcessRuntime.awaitQuietly(firstApp.stop(), Duration.ofSeconds(5));
    }
    if (second != null) {
      second.closeBlocking(Duration.ofSeconds(15));
    }
    if (first != null) {
      first.closeBlocking(Duration.ofSeconds(15));
    }
  }

  @Test
  void migrationsAndRootBootstrapRanExactlyOnce() throws Exception {
    var rows = first.pg().query("SELECT count(*) FROM users WHERE username = 'root'").execute()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(rows.iterator().next().getLong(0)).isEqualTo(1L);
    var root = first.pg().query("SELECT role, quota, status, password FROM users WHERE username = 'root'").execute()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).iterator().next();
    assertThat(root.getInteger("role")).isEqualTo(100);
    assertThat(root.getLong("quota")).isEqualTo(500_000_000_000_000L);
    assertThat(root.getString("password")).startsWith("$2").doesNotContain("123456");
    var history = second.pg().query("SELECT count(*) FROM flyway_schema_history WHERE success").execute()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(history.iterator().next().getLong(0)).isGreaterThanOrEqualTo(1L);
  }

  @Test
  void bothProcessesJoinedOneHazelcastCluster() {
    assertThat(first.hazelcast().getCluster().getMembers()).hasSize(2);
    first.hazelcast().getMap("foundation-test").put("k", "v");
    assertThat(second.hazelcast().getMap("foundation-test").get("k")).isEqualTo("v");
  }

  @Test
  void statusAndReadinessAnswerOverHttp() throws Exception {
    WebClient client = WebClient.create(first.vertx());
    int port = config.get(Settings.PORT);
    JsonObject status = client.get(port, "127.0.0.1", "/api/status").send()
        .map(r -> r.bodyAsJsonObject()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(status.getBoolean("success")).isTrue();
    assertThat(status.getJsonObject("data").getBoolean("root_password_is_default")).isTrue();
    assertThat(status.getString("message")).contains("default password");
    var ready = client.get(port, "127.0.0.1", "/readyz").send()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.bodyAsJsonObject().getJsonObject("checks").getMap())
        .containsEntry("postgres", "UP").containsEntry("kafka", "UP").containsEntry("hazelcast", "UP");
    var metrics = client.get(port, "127.0.0.1", "/metrics").send()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(metrics.bodyAsString()).contains("jvm_memory_used_bytes");
    client.close();
  }

  @Test
  void topicsExistAndCarryRecordsThroughTheRealBroker() throws Exception {
    Topics topics = Topics.of(config);
    assertThat(KafkaSupport.toFuture(first.kafkaAdmin().listTopics().names())
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .contains(topics.usage(), topics.attempts());
    String value = "hello-" + UUID.randomUUID();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaSupport.producerProps(config, "t"))) {
      producer.send(new ProducerRecord<>(topics.usage(), "1", value)).get(10, TimeUnit.SECONDS);
    }
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(Settings.KAFKA_BOOTSTRAP_SERVERS));
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "foundation-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topics.usage()));
      long deadline = System.currentTimeMillis() + 30_000;
      boolean seen = false;
      while (!seen && System.currentTimeMillis() < deadline) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
        for (var record : records) {
          seen |= record.value().equals(value);
        }
      }
      assertThat(seen).as("record read back from the broker").isTrue();
    }
  }

}
