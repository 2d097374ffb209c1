package io.onegate.gateway.relay;

import io.onegate.common.balance.BalanceLeases;
import io.onegate.common.balance.LiveBalances;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.pricing.PriceBook;
import io.onegate.gateway.relay.usage.EventRecord;
import io.onegate.providers.spi.Usage;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quota admission and settlement: reserves the estimate on the cluster-wide live balances (user, and the token
 * when limited) or refuses with 429; after the rest of the chain, settles the reservation to the actual charge and
 * emits exactly one {@link UsageEvent} (quota 0 when nothing was delivered). Emission never blocks or fails.
 */
final class AdmissionFilter implements RelayFilter {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionFilter.class);
  private final RelayServices s;

  AdmissionFilter(RelayServices services) {
    this.s = services;
  }

  @Override
  public Future<RelayResult> apply(RelayContext ctx, RelayChain next) {
    Charges charges = charges(ctx);
    long reserve = Math.max(0, charges.reserve(ctx.endpoint(), ctx.price(), ctx.request().body().json(),
        ctx.promptEstimate(), ctx.request().maxTokens()));
    var user = ctx.caller().user();
    var token = ctx.caller().token();
    return s.balances().reserve(ctx.vertxContext(), user.id(), new LiveBalances.Seed(user.quota(),
            user.quotaGeneration()), ctx.limitedTokenId(), new LiveBalances.Seed(token.remainQuota(),
            token.quotaGeneration()), reserve)
        .recover(err -> {
          LOG.error("request {}: live balance unavailable: {}", ctx.requestId(), err.getMessage());
          return Future.failedFuture(err);
        })
        .compose(admission -> {
          if (!admission.admitted()) {
            return Future.succeededFuture(RelayResult.refused(GatewayError.INSUFFICIENT_QUOTA, reserve));
          }
          RelayContext admitted = ctx.withReserved(reserve);
          return next.proceed(admitted)
              .recover(err -> Future.succeededFuture(RelayResult.attempted(null, null, AttemptResult.failed(
                  Dispatcher.local(io.onegate.common.error.FailureClass.UNKNOWN, GatewayError.INTERNAL)))))
              .onSuccess(result -> settle(admitted, admission, result));
        });
  }

  private static Charges charges(RelayContext ctx) {
    return new Charges(ctx.snapshot().prices(), ctx.snapshot().options().longValue("PreConsumedQuota"));
  }

  private void settle(RelayContext ctx, BalanceLeases.Admission admission, RelayResult result) {
    AttemptResult r = result.attempt();
    Usage usage = r.responded() || r.kind() == AttemptResult.Kind.CLIENT_ABORTED ? r.usage() : Usage.NONE;
    boolean billable = usage.source() != Usage.Source.NONE;
    String upstreamModel = result.spec() == null ? ctx.request().model() : result.spec().upstreamModel();
    PriceBook.Price price = result.channel() == null ? ctx.price() : ctx.snapshot().prices()
        .price(upstreamModel, result.channel().type(), ctx.caller().user().group()).orElse(ctx.price());
    long quota = billable ? charges(ctx).charge(ctx.endpoint(), price, ctx.request().body().json(),
        usage.promptTokens(), usage.completionTokens()) : 0;
    s.balances().settle(ctx.vertxContext(), ctx.caller().user().id(), ctx.limitedTokenId(), admission, ctx.reserved(),
        quota);
    String status = switch (r.kind()) {
      case DELIVERED, TRUNCATED -> "success";
      case CLIENT_ABORTED -> "client_aborted";
      case FAILED -> "failed";
    };
    var caller = ctx.caller();
    UsageEvent event = new UsageEvent(UsageEvent.SCHEMA_VERSION, ctx.requestId(), s.clock().millis(),
        UsageEvent.TYPE_CONSUME, caller.user().id(), caller.user().username(), caller.token().id(),
        caller.token().name(), caller.token().unlimited(),
        result.channel() == null ? 0 : result.channel().id(), result.channel() == null ? 0 : result.channel().type(),
        caller.user().group(), ctx.request().model(), upstreamModel, billable ? usage.promptTokens() : 0,
        billable ? usage.completionTokens() : 0, quota, ctx.reserved(), ctx.request().stream(),
        (System.nanoTime() - ctx.startNanos()) / 1_000_000, status, r.httpStatus(), PriceBook.logContent(price),
        result.channel() != null && !result.channel().systemPrompt().isEmpty(), s.balances().epoch(),
        admission.userGeneration(), admission.tokenGeneration());
    s.events().emit(EventRecord.encodedLater(s.topics().usage(), event.kafkaKey(), event::encode));
  }
}
