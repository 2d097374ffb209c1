package io.onegate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Settings;
import io.onegate.common.kafka.KafkaSupport;
import io.onegate.common.kafka.Topics;
import io.onegate.deploy.cluster.KafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * On a 3-node KRaft cluster (each node its own JVM) the topics a OneGate process creates at start-up have
 * {@code KAFKA_PARTITIONS} partitions of {@code KAFKA_REPLICATION_FACTOR} replicas each, spread over the brokers,
 * and {@code min.insync.replicas = KAFKA_MIN_INSYNC_REPLICAS}.
 */
class KafkaReplicationTest {

  @Test
  void topicsAreCreatedWithTheConfiguredReplicationAndMinInSyncReplicas() throws Exception {
    Path root = Files.createTempDirectory("onegate-kafka3-");
    try (KafkaCluster kafka = KafkaCluster.start(root, 3, 3, 2, List.of("-Xmx256m", "-XX:+UseSerialGC"),
        Duration.ofMinutes(2))) {
      io.onegate.common.config.Config config = io.onegate.common.config.Config.of(Map.of(
          Settings.KAFKA_BOOTSTRAP_SERVERS.name(), kafka.bootstrap(), Settings.KAFKA_PARTITIONS.name(), "4",
          Settings.KAFKA_REPLICATION_FACTOR.name(), "3", Settings.KAFKA_MIN_INSYNC_REPLICAS.name(), "2"));
      Topics topics = Topics.of(config);
      try (Admin admin = KafkaSupport.admin(config)) {
        KafkaSupport.ensureTopics(admin, config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        for (String topic : List.of(topics.usage(), topics.attempts())) {
          TopicDescription[] found = new TopicDescription[1];
          // Metadata reaches every broker shortly after the controller created the topic.
          io.onegate.testkit.Eventually.eventually(Duration.ofSeconds(30), () -> found[0] = admin
              .describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic));
          TopicDescription description = found[0];
          assertThat(description.partitions()).hasSize(4);
          description.partitions().forEach(p -> {
            assertThat(p.replicas()).as("replicas of %s-%d", topic, p.partition()).hasSize(3);
            assertThat(p.isr()).hasSize(3);
          });
          assertThat(description.partitions().stream().map(p -> p.leader().id()).distinct().count())
              .as("leaders spread over the brokers").isGreaterThan(1);
          ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
          org.apache.kafka.clients.admin.Config topicConfig = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
              .get(resource);
          assertThat(topicConfig.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("2");
        }
        // A second start finds the topics in place and leaves them as they are.
        KafkaSupport.ensureTopics(admin, config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void minInSyncReplicasAboveTheReplicationFactorIsRefusedAtStart() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.onegate.common.config.Config.of(Map.of(
            Settings.KAFKA_REPLICATION_FACTOR.name(), "2", Settings.KAFKA_MIN_INSYNC_REPLICAS.name(), "3")))
        .hasMessage("KAFKA_MIN_INSYNC_REPLICAS=3 is invalid: expected at most KAFKA_REPLICATION_FACTOR (2)");
  }
}
