package io.onegate.gateway.relay.usage;

import static io.onegate.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Config;
import io.onegate.common.kafka.KafkaSupport;
import io.onegate.testkit.Figures;
import io.onegate.testkit.TestInfra;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The journal against a real {@code kill -9}: a child JVM emits records through the gateway's {@link EventEmitter}
 * (Kafka up, 200 ms producer linger) and says which {@code emit} calls returned; it is SIGKILLed mid-stream, when
 * the latest records are journaled but not yet sent. A new emitter on the same journal directory (what a restarted
 * gateway does) sends the tail: every record whose emit returned is on the topic afterwards.
 */
class EventJournalKillTest {
  private Process child;

  @AfterEach
  void stopChild() {
    if (child != null) {
      child.destroyForcibly();
    }
  }

  @Test
  void everyRecordWhoseEmitReturnedReachesKafkaAfterAKillNineAndARestart() throws Exception {
    Config config = TestInfra.get().freshConfig();
    String bootstrap = TestInfra.get().kafkaBootstrap();
    String topic = "journal-kill-" + System.nanoTime();
    try (Admin admin = KafkaSupport.admin(config)) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    Path journal = Files.createTempDirectory("onegate-journal-kill");
    Set<String> emitted = ConcurrentHashMap.newKeySet();
    child = launch(journal, bootstrap, topic);
    Thread reader = new Thread(() -> readEmitted(child, emitted), "journal-kill-stdout");
    reader.start();
    eventually(Duration.ofSeconds(60), "the child emitted 1,500 records", () -> emitted.size() >= 1500);
    child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    reader.join(10_000);
    int onTopicAtKill = idsOnTopic(bootstrap, topic).size();

    try (EventEmitter restarted = new EventEmitter(io.onegate.common.kafka.Topics.of(config), KafkaSupport.producerProps(config, "journal-kill-restart"),
        journal, Duration.ofMillis(500))) {
      eventually(Duration.ofSeconds(60), () -> assertThat(idsOnTopic(bootstrap, topic)).containsAll(emitted));
      Figures.report("JOURNAL KILL: %d emits returned before kill -9; %d of them on the topic at the kill; the restarted "
          + "emitter sent %d journaled records; all %d on the topic afterwards", emitted.size(), onTopicAtKill,
          restarted.delivered(), emitted.size());
      assertThat(onTopicAtKill).as("the kill left records that only the journal held").isLessThan(emitted.size());
      assertThat(restarted.delivered()).isGreaterThanOrEqualTo(emitted.size() - onTopicAtKill);
      assertThat(restarted.pending()).isZero();
    }
  }

  private static Process launch(Path journal, String bootstrap, String topic) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), JournalEmitterChild.class.getName(), journal.toString(), bootstrap,
        topic, "1000");
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    return builder.start();
  }

  private static void readEmitted(Process process, Set<String> emitted) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("emitted ")) {
          emitted.add(line.substring("emitted ".length()));
        }
      }
    } catch (java.io.IOException e) {
      // the child was killed mid-line: what was read is what was printed
    }
  }

  /** Every request id on the topic, read from the beginning to the current end. */
  private static Set<String> idsOnTopic(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    Set<String> ids = new HashSet<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> ids.add(new JsonObject(r.value()).getString("request_id")));
      }
    }
    return ids;
  }
}
