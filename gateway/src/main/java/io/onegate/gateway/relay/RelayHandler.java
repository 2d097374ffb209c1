package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.common.event.AttemptOutcome;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.pricing.PriceBook;
import io.onegate.gateway.relay.usage.EventRecord;
import io.onegate.gateway.state.AbilityIndex;
import io.onegate.gateway.state.Snapshot;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.Usage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay of one endpoint, in order: authenticate (snapshot), parse, model allow-list, candidate channels,
 * price and reserve the estimate on the live balances, attempts (highest priority first, weighted within a
 * priority, at most 1 + RetryTimes, never re-picking a failed channel, retrying only classes that another channel
 * may fix, never after bytes reached the client, never with a pinned channel), then settle the reservation to the
 * actual charge and emit one usage event. Every attempt's outcome is emitted too. Nothing here blocks or touches
 * PostgreSQL.
 */
final class RelayHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);

  private final RelayServices s;
  private final TokenAuthenticator auth;
  private final Dispatcher dispatcher;

  RelayHandler(RelayServices services) {
    this.s = services;
    this.auth = new TokenAuthenticator(services.clock());
    this.dispatcher = new Dispatcher(services.upstream(), services.credentials(), services.estimator());
  }

  /** Per request: what all attempts share. */
  private record Admitted(String requestId, long startNanos, Snapshot snapshot, Caller caller, RelayRequest request,
                          List<AbilityIndex.Tier> tiers, PriceBook.Price price, long reserved, long promptEstimate,
                          ClientLink client, Context context) {
  }

  void handle(RoutingContext ctx, Endpoint endpoint, Buffer body) {
    String requestId = ctx.get(RelayRoutes.REQUEST_ID);
    Snapshot snapshot = s.state().current();
    Caller caller;
    RelayRequest request;
    try {
      caller = auth.authenticate(snapshot, ctx.request().getHeader("Authorization"),
          s.clientIp().resolve(ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress(),
              ctx.request().getHeader("X-Forwarded-For")));
      request = RequestParser.parse(endpoint, ctx.request().getHeader("Content-Type"), body,
          ctx.pathParam("model"));
      TokenAuthenticator.checkModel(caller, request.model());
    } catch (AuthFailure e) {
      ErrorResponses.write(ctx.response(), requestId, e.error(), e.args());
      return;
    } catch (RequestParser.BadRequest e) {
      ErrorResponses.write(ctx.response(), requestId, e.error(), e.getMessage());
      return;
    }
    List<AbilityIndex.Tier> tiers = candidates(snapshot, caller, request.model());
    if (tiers.isEmpty()) {
      ErrorResponses.write(ctx.response(), requestId, GatewayError.NO_CHANNEL, request.model(), caller.user().group());
      return;
    }
    Channel first = tiers.get(0).channels().get(0);
    Optional<PriceBook.Price> price = snapshot.prices().price(first.upstreamModel(request.model()), first.type(),
        caller.user().group());
    if (price.isEmpty()) {
      ErrorResponses.write(ctx.response(), requestId, GatewayError.MODEL_NOT_PRICED, first.upstreamModel(request.model()));
      return;
    }
    Charges charges = charges(snapshot);
    long prompt = s.estimator().prompt(endpoint, request.model(), request.body().json());
    long reserve = Math.max(0, charges.reserve(endpoint, price.get(), request.body().json(), prompt,
        request.maxTokens()));
    Context context = Vertx.currentContext();
    ClientLink client = new ClientLink(ctx.response());
    Admitted a = new Admitted(requestId, System.nanoTime(), snapshot, caller, request, tiers, price.get(), reserve,
        prompt, client, context);
    s.balances().reserve(context, caller.user().id(), caller.user().quota(), limitedToken(caller),
            caller.token().remainQuota(), reserve)
        .onFailure(err -> {
          LOG.error("request {}: live balance unavailable: {}", requestId, err.getMessage());
          ErrorResponses.write(ctx.response(), requestId, GatewayError.INTERNAL);
        })
        .onSuccess(ok -> {
          if (!ok) {
            ErrorResponses.write(ctx.response(), requestId, GatewayError.INSUFFICIENT_QUOTA, reserve);
            return;
          }
          attempt(a, 0, new HashSet<>(), null).onComplete(ar -> finish(a, ar.succeeded() ? ar.result()
              : new Outcome(null, null, AttemptResult.failed(Dispatcher.local(FailureClass.UNKNOWN,
                  GatewayError.INTERNAL))), 1));
        });
  }

  private static Integer limitedToken(Caller caller) {
    return caller.token().unlimited() ? null : caller.token().id();
  }

  private static Charges charges(Snapshot snapshot) {
    return new Charges(snapshot.prices(), snapshot.options().longValue("PreConsumedQuota"));
  }

  private static List<AbilityIndex.Tier> candidates(Snapshot snapshot, Caller caller, String model) {
    if (caller.pinnedChannel() != 0) {
      Channel pinned = snapshot.channels().get(caller.pinnedChannel());
      return List.of(new AbilityIndex.Tier(pinned.priority(), List.of(pinned)));
    }
    return snapshot.abilities().tiers(caller.user().group(), model);
  }

  /** The last attempt's channel and result, and how many attempts were made. */
  private record Outcome(Channel channel, AttemptSpec spec, AttemptResult result) {
  }

  private Future<Outcome> attempt(Admitted a, int number, Set<Integer> excluded, Outcome last) {
    Channel channel = AbilityIndex.pick(a.tiers(), excluded, s.random());
    if (channel == null) {
      return Future.succeededFuture(last);
    }
    Channel effective = s.registry().effective(channel);
    String upstreamModel = channel.upstreamModel(a.request().model());
    AttemptSpec spec = new AttemptSpec(effective, a.request().endpoint(), a.request().model(), upstreamModel,
        a.request().stream());
    Optional<ProviderAdaptor> adaptor = s.registry().adaptor(channel.type());
    long started = System.nanoTime();
    Future<AttemptResult> result = adaptor.isEmpty()
        ? Future.succeededFuture(AttemptResult.failed(Dispatcher.local(FailureClass.UNKNOWN,
            GatewayError.UPSTREAM_UNREACHABLE, "no adaptor for channel type " + channel.type())))
        : dispatcher.attempt(adaptor.get(), spec, a.request(), a.client(), a.promptEstimate());
    return result.compose(r -> {
      emitAttempt(a, channel, upstreamModel, r, number, started);
      Outcome outcome = new Outcome(channel, spec, r);
      boolean retry = r.kind() == AttemptResult.Kind.FAILED && r.failure().failureClass().retryOnAnotherChannel()
          && a.caller().pinnedChannel() == 0 && number < retryTimes(a) && !a.client().closed();
      if (!retry) {
        return Future.succeededFuture(outcome);
      }
      excluded.add(channel.id());
      return attempt(a, number + 1, excluded, outcome);
    });
  }

  private static int retryTimes(Admitted a) {
    return (int) Math.max(0, a.snapshot().options().longValue("RetryTimes"));
  }

  private void finish(Admitted a, Outcome outcome, int unused) {
    AttemptResult r = outcome.result();
    if (r.kind() == AttemptResult.Kind.FAILED) {
      UpstreamFailure f = r.failure();
      ErrorResponses.write(a.client().response(), a.requestId(), f.httpStatus(), f.clientError());
    }
    Usage usage = r.responded() || r.kind() == AttemptResult.Kind.CLIENT_ABORTED ? r.usage() : Usage.NONE;
    boolean billable = r.responded() || (r.kind() == AttemptResult.Kind.CLIENT_ABORTED
        && usage.source() != Usage.Source.NONE);
    PriceBook.Price price = a.price();
    String upstreamModel = outcome.spec() == null ? a.request().model() : outcome.spec().upstreamModel();
    if (outcome.channel() != null) {
      price = a.snapshot().prices().price(upstreamModel, outcome.channel().type(), a.caller().user().group())
          .orElse(a.price());
    }
    long quota = billable ? charges(a.snapshot()).charge(a.request().endpoint(), price, a.request().body().json(),
        usage.promptTokens(), usage.completionTokens()) : 0;
    s.balances().settle(a.context(), a.caller().user().id(), limitedToken(a.caller()), a.reserved(), quota)
        .onFailure(err -> LOG.error("request {}: settling the live balance failed: {}", a.requestId(),
            err.getMessage()));
    String status = switch (r.kind()) {
      case DELIVERED, TRUNCATED -> "success";
      case CLIENT_ABORTED -> "client_aborted";
      case FAILED -> "failed";
    };
    UsageEvent event = new UsageEvent(UsageEvent.SCHEMA_VERSION, a.requestId(), s.clock().millis(),
        UsageEvent.TYPE_CONSUME, a.caller().user().id(), a.caller().user().username(), a.caller().token().id(),
        a.caller().token().name(), a.caller().token().unlimited(),
        outcome.channel() == null ? 0 : outcome.channel().id(), outcome.channel() == null ? 0 : outcome.channel().type(),
        a.caller().user().group(), a.request().model(), upstreamModel, billable ? usage.promptTokens() : 0,
        billable ? usage.completionTokens() : 0, quota, a.reserved(), a.request().stream(),
        (System.nanoTime() - a.startNanos()) / 1_000_000, status, r.httpStatus(), PriceBook.logContent(price),
        outcome.channel() != null && !outcome.channel().systemPrompt().isEmpty(), s.balances().epoch());
    s.events().emit(new EventRecord(s.topics().usage(), event.kafkaKey(), event.encode()));
  }

  private void emitAttempt(Admitted a, Channel channel, String model, AttemptResult r, int number, long started) {
    FailureClass cls = switch (r.kind()) {
      case DELIVERED -> FailureClass.NONE;
      case CLIENT_ABORTED -> FailureClass.CLIENT_ABORTED;
      case TRUNCATED, FAILED -> r.failure() == null ? FailureClass.CLIENT_ABORTED : r.failure().failureClass();
    };
    String code = r.failure() == null ? "" : r.failure().errorCode();
    AttemptOutcome outcome = new AttemptOutcome(AttemptOutcome.SCHEMA_VERSION, a.requestId() + "-" + number,
        a.requestId(), s.clock().millis(), channel.id(), channel.type(), model, r.httpStatus(), cls, code,
        (System.nanoTime() - started) / 1_000_000, number == 0, "relay");
    s.events().emit(new EventRecord(s.topics().attempts(), outcome.kafkaKey(), outcome.encode()));
    if (cls != FailureClass.NONE) {
      LOG.info("request {} attempt {} on channel {} failed: {} {}", a.requestId(), number, channel.id(), cls,
          r.httpStatus());
    }
  }
}
