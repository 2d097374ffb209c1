package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.onegate.common.pricing.PriceBook;
import io.onegate.gateway.state.AbilityIndex;
import io.onegate.gateway.state.Snapshot;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Authentication and routing facts, all from the snapshot: token checks, body parsing, model allow-list,
 * candidate channels (the pinned one, or group × model tiers), the price and the prompt estimate. Refuses with the
 * matching {@link GatewayError}; otherwise proceeds with a context that has them.
 */
final class AuthFilter implements RelayFilter {
  private final RelayServices s;
  private final TokenAuthenticator auth;

  AuthFilter(RelayServices services) {
    this.s = services;
    this.auth = new TokenAuthenticator(services.clock());
  }

  @Override
  public Future<RelayResult> apply(RelayContext ctx, RelayChain next) {
    Snapshot snapshot = ctx.snapshot();
    Caller caller;
    RelayRequest request;
    try {
      caller = auth.authenticate(snapshot, ctx.headers().get("Authorization"),
          s.clientIp().resolve(ctx.peerAddress(), ctx.headers().get("X-Forwarded-For")));
      request = RequestParser.parse(ctx.endpoint(), ctx.headers().get("Content-Type"), ctx.body(), ctx.pathModel());
      TokenAuthenticator.checkModel(caller, request.model());
    } catch (AuthFailure e) {
      return Future.succeededFuture(RelayResult.refused(e.error(), e.args()));
    } catch (RequestParser.BadRequest e) {
      return Future.succeededFuture(RelayResult.refused(e.error(), e.getMessage()));
    }
    List<AbilityIndex.Tier> tiers = candidates(snapshot, caller, request.model());
    if (tiers.isEmpty()) {
      return Future.succeededFuture(RelayResult.refused(GatewayError.NO_CHANNEL, request.model(),
          caller.user().group()));
    }
    // Reserved at the price of the top tier's mapping; settled at the price of the channel that served.
    Channel first = tiers.get(0).channels().get(0);
    String priced = first.upstreamModel(request.model());
    if (!snapshot.prices().knowsGroup(caller.user().group())) {
      return Future.succeededFuture(RelayResult.refused(GatewayError.GROUP_NOT_PRICED, caller.user().group()));
    }
    Optional<PriceBook.Price> price = snapshot.prices().price(priced, first.type(), caller.user().group());
    if (price.isEmpty()) {
      return Future.succeededFuture(RelayResult.refused(GatewayError.MODEL_NOT_PRICED, priced));
    }
    long prompt = s.estimator().prompt(request.endpoint(), request.model(), request.body().json());
    return next.proceed(ctx.withRouting(caller, request, tiers, price.get(), prompt));
  }

  private static List<AbilityIndex.Tier> candidates(Snapshot snapshot, Caller caller, String model) {
    if (caller.pinnedChannel() != 0) {
      Channel pinned = snapshot.channels().get(caller.pinnedChannel());
      return List.of(new AbilityIndex.Tier(pinned.priority(), List.of(pinned)));
    }
    return snapshot.abilities().tiers(caller.user().group(), model);
  }
}
