package io.onegate.gateway.relay.usage;

import io.onegate.common.config.Config;
import io.onegate.common.kafka.KafkaSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The child JVM of {@link EventJournalKillTest}: emits usage-shaped records through a real {@link EventEmitter}
 * (Kafka reachable, the gateway's producer settings: 200 ms linger) at about {@code rate} per second and prints
 * {@code emitted <id>} after each {@code emit} returned — the moment a gateway would answer its client.
 * Args: journal directory, bootstrap servers, topic, rate.
 */
public final class JournalEmitterChild {
  private JournalEmitterChild() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, Object> props = KafkaSupport.producerProps(Config.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", args[1])),
        "journal-kill-child");
    props.put("linger.ms", 200);
    EventEmitter emitter = new EventEmitter(new io.onegate.common.kafka.Topics("usage", "attempts"), props, Path.of(args[0]), Duration.ofMillis(500));
    String topic = args[2];
    long pause = 1_000_000_000L / Integer.parseInt(args[3]);
    for (long i = 0; ; i++) {
      String id = "kill-" + ProcessHandle.current().pid() + "-" + i;
      emitter.emit(new EventRecord(topic, Long.toString(i % 13), "{\"request_id\":\"" + id + "\"}"));
      System.out.println("emitted " + id);
      System.out.flush();
      LockSupport.parkNanos(pause);
    }
  }
}
