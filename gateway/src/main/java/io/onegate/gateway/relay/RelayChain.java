package io.onegate.gateway.relay;

import io.vertx.core.Future;
import java.util.List;

/**
 * The rest of the chain after a filter. {@link #of} builds the whole chain from filters in order; a refusal comes
 * back carrying the context of the filter that refused ({@link RelayResult#withContext}).
 */
@FunctionalInterface
public interface RelayChain {
  Future<RelayResult> proceed(RelayContext ctx);

  /** A chain running {@code filters} in order; proceeding past the last one is a programming error. */
  static RelayChain of(List<RelayFilter> filters) {
    return at(List.copyOf(filters), 0);
  }

  private static RelayChain at(List<RelayFilter> filters, int index) {
    if (index == filters.size()) {
      return ctx -> Future.failedFuture(new IllegalStateException("the last relay filter called proceed"));
    }
    RelayChain next = at(filters, index + 1);
    RelayFilter filter = filters.get(index);
    return ctx -> {
      try {
        return filter.apply(ctx, next).map(r -> r.isRefusal() ? r.withContext(ctx) : r);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    };
  }
}
