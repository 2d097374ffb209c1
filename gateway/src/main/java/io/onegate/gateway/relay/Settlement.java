package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.pricing.PriceBook;
import io.onegate.providers.spi.Usage;

/**
 * What an admitted request costs, decided once its attempts are over, and its {@link UsageEvent} (the one place
 * the event is built). Pure.
 *
 * @param status        "success" (delivered, or a stream cut after bytes reached the client), "client_aborted"
 *                      or "failed"
 * @param billed        the usage billed: what reached the client (reported by the upstream or estimated), NONE
 *                      when nothing did
 * @param price         the price of the channel that served at its model mapping; the reservation's price when
 *                      no channel served or the serving model has no price of its own
 * @param channel       the channel of the last attempt, or null when none was made
 * @param upstreamModel the model sent upstream (the requested one when no attempt was made)
 * @param httpStatus    the status of the last attempt (or of the refusal)
 */
record Settlement(String status, Usage billed, long quota, PriceBook.Price price, Channel channel,
                  String upstreamModel, int httpStatus) {

  static Settlement of(RelayContext ctx, RelayResult result) {
    if (result.isRefusal()) {
      return new Settlement("failed", Usage.NONE, 0, ctx.price(), null, ctx.request().model(),
          result.refusal().status());
    }
    AttemptResult attempt = result.attempt();
    Usage billed = attempt.responded() || attempt.kind() == AttemptResult.Kind.CLIENT_ABORTED
        ? attempt.usage() : Usage.NONE;
    String upstreamModel = result.spec() == null ? ctx.request().model() : result.spec().upstreamModel();
    PriceBook.Price price = result.channel() == null ? ctx.price() : ctx.snapshot().prices()
        .price(upstreamModel, result.channel().type(), ctx.caller().user().group()).orElse(ctx.price());
    long quota = billed.source() == Usage.Source.NONE ? 0
        : new Charges(ctx.snapshot().prices()).charge(ctx.request(), price, upstreamModel, billed);
    String status = switch (attempt.kind()) {
      case DELIVERED, TRUNCATED -> "success";
      case CLIENT_ABORTED -> "client_aborted";
      case FAILED -> "failed";
    };
    return new Settlement(status, billed, quota, price, result.channel(), upstreamModel, attempt.httpStatus());
  }

  /** The request's usage event at {@code nowMillis} (wall clock) and {@code nowNanos} (for the latency). */
  UsageEvent event(RelayContext ctx, long nowMillis, long nowNanos, String balanceEpoch) {
    Caller caller = ctx.caller();
    return new UsageEvent(UsageEvent.SCHEMA_VERSION, ctx.requestId(), nowMillis, UsageEvent.TYPE_CONSUME,
        caller.user().id(), caller.user().username(), caller.token().id(), caller.token().name(),
        caller.token().unlimited(), channel == null ? 0 : channel.id(), channel == null ? 0 : channel.type(),
        caller.user().group(), ctx.request().model(), upstreamModel, billed.promptTokens(),
        billed.completionTokens(), quota, ctx.reserved(), ctx.request().stream(),
        (nowNanos - ctx.startNanos()) / 1_000_000, status, httpStatus, PriceBook.logContent(price),
        channel != null && !channel.systemPrompt().isEmpty(), balanceEpoch, ctx.admission().userGeneration(),
        ctx.admission().tokenGeneration());
  }
}
