package io.onegate.gateway.relay;

import io.onegate.common.balance.BalanceLeases;
import io.onegate.common.domain.Channel;
import io.onegate.common.pricing.PriceBook;
import io.onegate.gateway.state.Snapshot;
import io.onegate.providers.spi.Endpoint;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Per-request state, immutable; each filter derives a richer context with its {@code with…} method. Fields filled
 * later in the chain are null (or 0) until then: {@code caller} after {@link AuthenticateFilter}, {@code request}
 * after {@link ParseFilter}, {@code route} after {@link RouteFilter}, {@code price}, {@code promptEstimate} and
 * {@code estimate} after {@link PriceFilter}, {@code reserved} and {@code admission} after {@link AdmitFilter}; {@code channel} and
 * {@code attempt} per attempt ({@link RetryFilter}).
 *
 * @param pathModel the {@code :model} path parameter (embeddings by engine), or null
 * @param estimate  the quota the request is expected to cost (reserved at admission)
 * @param reserved  the quota actually reserved on the live balances (settled at the end)
 * @param admission the quota generations the reservation was made under (settlement and the usage event carry them)
 */
public record RelayContext(String requestId, long startNanos, Context vertxContext, Snapshot snapshot,
                           ClientLink client, Endpoint endpoint, MultiMap headers, String peerAddress,
                           Buffer body, String pathModel, Caller caller, RelayRequest request, Route route,
                           PriceBook.Price price, long promptEstimate, long estimate, long reserved,
                           BalanceLeases.Admission admission, Channel channel, int attempt) {

  static RelayContext start(String requestId, Context vertxContext, Snapshot snapshot, ClientLink client,
                            Endpoint endpoint, MultiMap headers, String peerAddress, Buffer body, String pathModel) {
    return new RelayContext(requestId, System.nanoTime(), vertxContext, snapshot, client, endpoint, headers,
        peerAddress, body, pathModel, null, null, null, null, 0, 0, 0, null, null, 0);
  }

  RelayContext withCaller(Caller authenticated) {
    return new RelayContext(requestId, startNanos, vertxContext, snapshot, client, endpoint, headers, peerAddress,
        body, pathModel, authenticated, request, route, price, promptEstimate, estimate, reserved, admission, channel, attempt);
  }

  RelayContext withRequest(RelayRequest parsed) {
    return new RelayContext(requestId, startNanos, vertxContext, snapshot, client, endpoint, headers, peerAddress,
        body, pathModel, caller, parsed, route, price, promptEstimate, estimate, reserved, admission, channel, attempt);
  }

  RelayContext withRoute(Route candidates) {
    return new RelayContext(requestId, startNanos, vertxContext, snapshot, client, endpoint, headers, peerAddress,
        body, pathModel, caller, request, candidates, price, promptEstimate, estimate, reserved, admission, channel, attempt);
  }

  RelayContext withPrice(PriceBook.Price priced, long prompt, long expected) {
    return new RelayContext(requestId, startNanos, vertxContext, snapshot, client, endpoint, headers, peerAddress,
        body, pathModel, caller, request, route, priced, prompt, expected, reserved, admission, channel, attempt);
  }

  RelayContext withReserved(long amount, BalanceLeases.Admission admitted) {
    return new RelayContext(requestId, startNanos, vertxContext, snapshot, client, endpoint, headers, peerAddress,
        body, pathModel, caller, request, route, price, promptEstimate, estimate, amount, admitted, channel, attempt);
  }

  RelayContext withAttempt(Channel next, int number) {
    return new RelayContext(requestId, startNanos, vertxContext, snapshot, client, endpoint, headers, peerAddress,
        body, pathModel, caller, request, route, price, promptEstimate, estimate, reserved, admission, next, number);
  }

  /** The limited token's id for live-balance calls, null for unlimited tokens. */
  Integer limitedTokenId() {
    return caller.token().unlimited() ? null : caller.token().id();
  }
}
