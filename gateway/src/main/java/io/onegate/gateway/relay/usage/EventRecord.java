package io.onegate.gateway.relay.usage;

/** One Kafka record to deliver: topic, key and the JSON value. */
public record EventRecord(String topic, String key, String value) {
}
