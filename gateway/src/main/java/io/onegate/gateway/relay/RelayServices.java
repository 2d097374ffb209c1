package io.onegate.gateway.relay;

import io.onegate.common.balance.BalanceLeases;
import io.onegate.common.event.UsageSink;
import io.onegate.gateway.state.ChannelHoldView;
import io.onegate.gateway.state.StateStore;
import io.onegate.providers.registry.ProviderRegistry;
import io.onegate.providers.transport.CredentialCache;
import io.onegate.providers.transport.UpstreamClient;
import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * Everything the relay needs, built once per gateway node by {@link RelayRoutes#mount} (or a test).
 *
 * @param events where usage events and attempt outcomes go (the node's Kafka emitter)
 */
public record RelayServices(StateStore state, ProviderRegistry registry, UpstreamClient upstream,
                            CredentialCache credentials, TokenEstimator estimator, BalanceLeases balances,
                            UsageSink events, ClientIp clientIp, Clock clock, RandomGenerator random,
                            long maxBodyBytes, ChannelHoldView holds) {
}
