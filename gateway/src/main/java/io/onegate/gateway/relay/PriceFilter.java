package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.onegate.common.pricing.PriceBook;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Prices the request with the snapshot's {@link PriceBook} at the model mapping of the route's first channel
 * (settled later at the price of the channel that served), refusing a group without a ratio and an unpriced model
 * (unless {@code SelfUseModeEnabled}); then estimates the prompt's tokens and what the request will cost
 * ({@link Charges#reserve}), the amount admission reserves.
 */
final class PriceFilter implements RelayFilter {
  private final TokenEstimator estimator;

  PriceFilter(RelayServices services) {
    this.estimator = services.estimator();
  }

  @Override
  public Future<RelayResult> apply(RelayContext ctx, RelayChain next) {
    PriceBook prices = ctx.snapshot().prices();
    String group = ctx.caller().user().group();
    if (!prices.knowsGroup(group)) {
      return Future.succeededFuture(RelayResult.refused(GatewayError.GROUP_NOT_PRICED, group));
    }
    Channel first = ctx.route().first();
    String priced = first.upstreamModel(ctx.request().model());
    Optional<PriceBook.Price> price = prices.price(priced, first.type(), group);
    if (price.isEmpty()) {
      return Future.succeededFuture(RelayResult.refused(GatewayError.MODEL_NOT_PRICED, priced));
    }
    RelayRequest request = ctx.request();
    long prompt = estimator.prompt(request.endpoint(), request.model(), request.body().json());
    long estimate;
    try {
      estimate = new Charges(prices).reserve(request, price.get(), priced, prompt);
    } catch (Refusal refused) {
      return Future.succeededFuture(refused.result());
    }
    return next.proceed(ctx.withPrice(price.get(), prompt, Math.max(0, estimate)));
  }
}
