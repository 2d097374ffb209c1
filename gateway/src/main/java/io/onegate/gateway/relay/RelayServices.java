package io.onegate.gateway.relay;

import io.onegate.common.balance.BalanceLeases;
import io.onegate.common.kafka.Topics;
import io.onegate.gateway.relay.usage.EventEmitter;
import io.onegate.gateway.state.ChannelHoldView;
import io.onegate.gateway.state.StateStore;
import io.onegate.providers.registry.ProviderRegistry;
import io.onegate.providers.transport.CredentialCache;
import io.onegate.providers.transport.UpstreamClient;
import java.time.Clock;
import java.util.random.RandomGenerator;

/** Everything the relay needs, built once per gateway node by {@link RelayRoutes#mount} (or a test). */
public record RelayServices(StateStore state, ProviderRegistry registry, UpstreamClient upstream,
                            CredentialCache credentials, TokenEstimator estimator, BalanceLeases balances,
                            EventEmitter events, Topics topics, ClientIp clientIp, Clock clock,
                            RandomGenerator random, long maxBodyBytes, ChannelHoldView holds) {
}
