package io.onegate.common.kafka;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;

/** Kafka topic names. Usage events are keyed by user id; attempt outcomes by channel id. */
public record Topics(String usage, String attempts) {

  public static Topics of(Config config) {
    String prefix = config.get(Settings.KAFKA_TOPIC_PREFIX);
    return new Topics(prefix + "usage", prefix + "attempts");
  }
}
