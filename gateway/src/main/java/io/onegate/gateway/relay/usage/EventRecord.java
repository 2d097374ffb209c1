package io.onegate.gateway.relay.usage;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One Kafka record to deliver: topic, key and the JSON value. A record made with {@link #encodedLater} encodes its
 * value on first use: {@link EventEmitter#emit} journals it, so on the emitting thread. Not thread-safe: hand a record
 * from one thread to another only through a safe publication.
 */
public final class EventRecord {
  private final String topic;
  private final String key;
  private Supplier<String> encoder;
  private String value;

  public EventRecord(String topic, String key, String value) {
    this.topic = Objects.requireNonNull(topic);
    this.key = key;
    this.value = Objects.requireNonNull(value);
  }

  private EventRecord(String topic, String key, Supplier<String> encoder) {
    this.topic = Objects.requireNonNull(topic);
    this.key = key;
    this.encoder = Objects.requireNonNull(encoder);
  }

  /** A record whose value is produced by {@code encoder} when first needed. */
  public static EventRecord encodedLater(String topic, String key, Supplier<String> encoder) {
    return new EventRecord(topic, key, encoder);
  }

  public String topic() {
    return topic;
  }

  public String key() {
    return key;
  }

  /** The JSON value (encoded now if it was not yet). */
  public String value() {
    if (value == null) {
      value = encoder.get();
      encoder = null;
    }
    return value;
  }

  @Override
  public String toString() {
    return "EventRecord[topic=" + topic + ", key=" + key + "]";
  }
}
