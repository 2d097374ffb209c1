package io.onegate.common.kafka;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka client settings shared by every process, and topic creation. */
public final class KafkaSupport {
  private KafkaSupport() {
  }

  /** Idempotent, acks=all producer of String keys and String (JSON) values. */
  public static Map<String, Object> producerProps(Config config, String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(Settings.KAFKA_BOOTSTRAP_SERVERS));
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return props;
  }

  public static Admin admin(Config config) {
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(Settings.KAFKA_BOOTSTRAP_SERVERS));
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
    return Admin.create(props);
  }

  /**
   * Creates the topics that do not exist yet, with {@code KAFKA_PARTITIONS} partitions, {@code
   * KAFKA_REPLICATION_FACTOR} replicas and {@code min.insync.replicas = KAFKA_MIN_INSYNC_REPLICAS}. Existing topics
   * are left as they are (changing a live topic's replication is an operator's reassignment, not a start-up step).
   */
  public static Future<Void> ensureTopics(Admin admin, Config config) {
    Topics topics = Topics.of(config);
    List<NewTopic> wanted = List.of(newTopic(topics.usage(), config), newTopic(topics.attempts(), config));
    Promise<Void> done = Promise.promise();
    admin.listTopics().names().whenComplete((names, error) -> {
      if (error != null) {
        done.fail(error);
        return;
      }
      List<NewTopic> missing = wanted.stream().filter(t -> !names.contains(t.name())).toList();
      if (missing.isEmpty()) {
        done.complete();
        return;
      }
      admin.createTopics(missing).all().whenComplete((v, e) -> {
        if (e == null || e.getCause() instanceof TopicExistsException || e instanceof TopicExistsException) {
          done.complete();
        } else {
          done.fail(e);
        }
      });
    });
    return done.future();
  }

  /** One of OneGate's topics as the settings ask for it. */
  static NewTopic newTopic(String name, Config config) {
    return new NewTopic(name, config.get(Settings.KAFKA_PARTITIONS),
        config.get(Settings.KAFKA_REPLICATION_FACTOR).shortValue())
        .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
            String.valueOf(config.get(Settings.KAFKA_MIN_INSYNC_REPLICAS))));
  }

  /** Succeeds when the cluster answers a describe-cluster request. */
  public static Future<Void> ping(Admin admin) {
    return toFuture(admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes())
        .compose(nodes -> nodes.isEmpty() ? Future.failedFuture("no Kafka broker") : Future.succeededFuture());
  }

  public static <T> Future<T> toFuture(KafkaFuture<T> kf) {
    Promise<T> promise = Promise.promise();
    kf.whenComplete((v, e) -> {
      if (e != null) {
        promise.fail(e);
      } else {
        promise.complete(v);
      }
    });
    return promise.future();
  }


}
