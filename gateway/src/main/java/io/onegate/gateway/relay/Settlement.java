package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.onegate.common.event.AttemptError;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.pricing.PriceBook;
import io.onegate.providers.spi.Usage;
import java.util.List;

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
 * @param errors        the request's failures (error log rows); a request that delivered nothing has at least one
 */
record Settlement(String status, Usage billed, long quota, PriceBook.Price price, Channel channel,
                  String upstreamModel, int httpStatus, List<AttemptError> errors) {

  static Settlement of(RelayContext ctx, RelayResult result) {
    if (result.isRefusal()) {
      GatewayError refusal = result.refusal();
      return new Settlement("failed", Usage.NONE, 0, ctx.price(), null, ctx.request().model(), refusal.status(),
          List.of(refused(ctx.request().model(), refusal, result.refusalArgs())));
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
    List<AttemptError> errors = result.errors();
    if (billed.source() == Usage.Source.NONE && errors.isEmpty()) {
      // failed inside the gateway (no attempt recorded one): the failure itself is the row
      Object message = attempt.failure() == null || attempt.failure().clientError() == null ? null
          : attempt.failure().clientError().getValue("message");
      errors = List.of(new AttemptError(0, 0, upstreamModel, attempt.httpStatus(),
          attempt.failure() == null ? attempt.kind().name() : attempt.failure().failureClass().name(),
          attempt.failure() == null ? "" : attempt.failure().errorCode(), message == null ? "" : message.toString(),
          0));
    }
    return new Settlement(status, billed, quota, price, result.channel(), upstreamModel, attempt.httpStatus(),
        errors);
  }

  /** The error row of a refusal of {@code model} (empty when not parsed yet). */
  static AttemptError refused(String model, GatewayError refusal, Object[] args) {
    return new AttemptError(0, 0, model, refusal.status(), AttemptError.REFUSED, refusal.code(),
        refusal.message(args == null ? new Object[0] : args), 0);
  }

  /** Billed usage (a consume row), or only failures (error rows, type 6). */
  int type() {
    return billed.source() == Usage.Source.NONE ? UsageEvent.TYPE_ERROR : UsageEvent.TYPE_CONSUME;
  }

  /** The request's usage event at {@code nowMillis} (wall clock) and {@code nowNanos} (for the latency). */
  UsageEvent event(RelayContext ctx, long nowMillis, long nowNanos, String balanceEpoch) {
    Caller caller = ctx.caller();
    return new UsageEvent(UsageEvent.SCHEMA_VERSION, ctx.requestId(), nowMillis, type(),
        caller.user().id(), caller.user().username(), caller.token().id(), caller.token().name(),
        caller.token().unlimited(), channel == null ? 0 : channel.id(), channel == null ? 0 : channel.type(),
        caller.user().group(), ctx.request().model(), upstreamModel, billed.promptTokens(),
        billed.completionTokens(), quota, ctx.reserved(), ctx.request().stream(),
        (nowNanos - ctx.startNanos()) / 1_000_000, status, httpStatus, PriceBook.logContent(price),
        channel != null && !channel.systemPrompt().isEmpty(), balanceEpoch, ctx.admission().userGeneration(),
        ctx.admission().tokenGeneration(), errors);
  }

  /**
   * The error event of a request refused before admission by a known caller ({@code ctx.caller()} set): nothing
   * was reserved or charged; its one error row says why. {@code suppressed} refusals of the same caller that were
   * not logged before it (see {@code RefusalLog}) are counted in its message.
   */
  static UsageEvent refusal(RelayContext ctx, GatewayError refusal, Object[] args, int suppressed, long nowMillis,
                            long nowNanos) {
    Caller caller = ctx.caller();
    String model = ctx.request() == null ? "" : ctx.request().model();
    AttemptError row = refused(model, refusal, args);
    if (suppressed > 0) {
      row = new AttemptError(0, 0, model, row.httpStatus(), row.failureClass(), row.code(), row.message()
          + " (" + suppressed + " earlier refusals of this account not logged: at most "
          + RefusalLog.PER_USER_PER_MINUTE + " a minute per gateway node)", 0);
    }
    return new UsageEvent(UsageEvent.SCHEMA_VERSION, ctx.requestId(), nowMillis, UsageEvent.TYPE_ERROR,
        caller.user().id(), caller.user().username(), caller.token().id(), caller.token().name(),
        caller.token().unlimited(), 0, 0, caller.user().group(), model, model, 0, 0, 0, 0,
        ctx.request() != null && ctx.request().stream(), (nowNanos - ctx.startNanos()) / 1_000_000, "refused",
        refusal.status(), row.message(), false, "", UsageEvent.UNKNOWN_GENERATION, UsageEvent.UNKNOWN_GENERATION,
        List.of(row));
  }
}
