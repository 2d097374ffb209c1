package io.onegate.gateway.relay.usage;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One Kafka record to deliver: topic, key and the JSON value. A record made with {@link #encodedLater} or
 * {@link #utf8Later} encodes its value on first use: {@link EventEmitter#emit} journals it, so on the emitting
 * thread; {@link #utf8Later} (UTF-8 bytes straight from the generator, e.g. {@code UsageEvent::encodeUtf8}) is the
 * cheaper of the two. Not thread-safe: hand a record from one thread to another only through a safe publication.
 */
public final class EventRecord {
  private final String topic;
  private final String key;
  private Supplier<String> encoder;
  private Supplier<byte[]> utf8Encoder;
  private String value;
  private byte[] utf8;

  public EventRecord(String topic, String key, String value) {
    this.topic = Objects.requireNonNull(topic);
    this.key = key;
    this.value = Objects.requireNonNull(value);
  }

  private EventRecord(String topic, String key, Supplier<String> encoder, Supplier<byte[]> utf8Encoder) {
    this.topic = Objects.requireNonNull(topic);
    this.key = key;
    this.encoder = encoder;
    this.utf8Encoder = utf8Encoder;
  }

  /** A record whose value is produced by {@code encoder} when first needed. */
  public static EventRecord encodedLater(String topic, String key, Supplier<String> encoder) {
    return new EventRecord(topic, key, Objects.requireNonNull(encoder), null);
  }

  /** A record whose value, as UTF-8 JSON bytes, is produced by {@code encoder} when first needed. */
  public static EventRecord utf8Later(String topic, String key, Supplier<byte[]> encoder) {
    return new EventRecord(topic, key, null, Objects.requireNonNull(encoder));
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
      value = encoder != null ? encoder.get() : new String(utf8(), StandardCharsets.UTF_8);
      encoder = null;
    }
    return value;
  }

  /** The JSON value as UTF-8 bytes (encoded now if it was not yet). */
  public byte[] utf8() {
    if (utf8 == null) {
      utf8 = utf8Encoder != null ? utf8Encoder.get() : value().getBytes(StandardCharsets.UTF_8);
      utf8Encoder = null;
    }
    return utf8;
  }

  @Override
  public String toString() {
    return "EventRecord[topic=" + topic + ", key=" + key + "]";
  }
}
