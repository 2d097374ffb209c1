package io.onegate.health.probe;

import io.onegate.common.domain.Channel;
import io.vertx.core.Future;

/**
 * Sends one minimal real request through a channel. The production implementation ({@link RegistryProber}) goes
 * through the provider adaptors and upstream transport the gateway uses.
 *
 * <p>Contract: non-blocking; never fails the future for an upstream problem (that is a failed {@link ProbeResult});
 * applies the channel's model mapping to {@code model} itself; never logs the channel key.
 */
public interface ChannelProber {
  Future<ProbeResult> probe(Channel channel, String model);
}
