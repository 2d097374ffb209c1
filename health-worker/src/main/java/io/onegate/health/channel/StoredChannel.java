package io.onegate.health.channel;

import io.onegate.common.domain.Channel;

/** A channel as loaded for testing, with the time (Unix seconds) of its last status change (0 when never). */
public record StoredChannel(Channel channel, long statusChangedTime) {
}
