package io.onegate.gateway.relay;

import io.vertx.core.Future;

/**
 * One step of the relay chain. Either returns a result without calling {@code next} (short-circuit: refused,
 * failed) or calls {@code next.proceed} — once, except the retry filter, which proceeds once per attempt. Runs on
 * the request's event loop; must not block and must not throw (failures are results).
 */
@FunctionalInterface
public interface RelayFilter {
  Future<RelayResult> apply(RelayContext ctx, RelayChain next);
}
