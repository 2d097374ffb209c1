package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.onegate.common.pricing.PriceBook;
import io.onegate.gateway.state.AbilityIndex;
import io.onegate.gateway.state.Snapshot;
import io.onegate.providers.spi.Endpoint;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Per-request state, immutable; filters derive richer contexts with the {@code with…} methods. Fields filled later
 * in the chain are null (or 0) until then: {@code caller}, {@code request}, {@code tiers}, {@code price} after
 * authentication and routing; {@code reserved} after admission; {@code channel} and {@code attempt} per attempt.
 *
 * @param pathModel the {@code :model} path parameter (embeddings by engine), or null
 */
public record RelayContext(String requestId, long startNanos, Context vertxContext, Snapshot snapshot,
                           ClientLink client, Endpoint endpoint, MultiMap headers, String peerAddress,
                           Buffer body, String pathModel, Caller caller, RelayRequest request,
                           List<AbilityIndex.Tier> tiers, PriceBook.Price price, long promptEstimate, long reserved,
                           Channel channel, int attempt) {

  static RelayContext start(String requestId, Context vertxContext, Snapshot snapshot, ClientLink client,
                            Endpoint endpoint, MultiMap headers, String peerAddress, Buffer body, String pathModel) {
    return new RelayContext(requestId, System.nanoTime(), vertxContext, snapshot, client, endpoint, headers,
        peerAddress, body, pathModel, null, null, List.of(), null, 0, 0, null, 0);
  }

  RelayContext withRouting(Caller caller, RelayRequest request, List<AbilityIndex.Tier> tiers,
                           PriceBook.Price price, long promptEstimate) {
    return new RelayContext(requestId, startNanos, vertxContext, snapshot, client, endpoint, headers, peerAddress,
        body, pathModel, caller, request, tiers, price, promptEstimate, reserved, channel, attempt);
  }

  RelayContext withReserved(long amount) {
    return new RelayContext(requestId, startNanos, vertxContext, snapshot, client, endpoint, headers, peerAddress,
        body, pathModel, caller, request, tiers, price, promptEstimate, amount, channel, attempt);
  }

  RelayContext withAttempt(Channel next, int number) {
    return new RelayContext(requestId, startNanos, vertxContext, snapshot, client, endpoint, headers, peerAddress,
        body, pathModel, caller, request, tiers, price, promptEstimate, reserved, next, number);
  }

  /** The limited token's id for live-balance calls, null for unlimited tokens. */
  Integer limitedTokenId() {
    return caller.token().unlimited() ? null : caller.token().id();
  }
}
