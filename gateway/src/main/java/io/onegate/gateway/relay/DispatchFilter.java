package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.common.event.AttemptError;
import io.onegate.common.event.AttemptOutcome;
import io.onegate.common.event.UsageSink;
import io.onegate.providers.registry.ProviderRegistry;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.Usage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal filter: one upstream attempt on {@code ctx.channel()} (model mapping applied, base URL filled in
 * by the registry) through the {@link Dispatcher}, and the attempt's one {@link AttemptOutcome} handed to the
 * {@link UsageSink} for the health worker. A failed attempt (or a stream cut after bytes, or a client that left
 * before any byte) is recorded in the result as an {@link AttemptError}: the request's error log row.
 */
final class DispatchFilter implements RelayFilter {
  private static final Logger LOG = LoggerFactory.getLogger(DispatchFilter.class);
  private final ProviderRegistry registry;
  private final UsageSink events;
  private final Clock clock;
  private final Dispatcher dispatcher;

  DispatchFilter(RelayServices services) {
    this.registry = services.registry();
    this.events = services.events();
    this.clock = services.clock();
    this.dispatcher = new Dispatcher(services.upstream(), services.credentials(), services.estimator());
  }

  @Override
  public Future<RelayResult> apply(RelayContext ctx, RelayChain next) {
    Channel channel = ctx.channel();
    String upstreamModel = channel.upstreamModel(ctx.request().model());
    AttemptSpec spec = new AttemptSpec(registry.effective(channel), ctx.endpoint(), ctx.request().model(),
        upstreamModel, ctx.request().stream(), ctx.request().stream() && includeUsage(ctx.request()));
    Optional<ProviderAdaptor> adaptor = registry.adaptor(channel.type());
    long started = System.nanoTime();
    Future<AttemptResult> result = adaptor.isEmpty()
        ? Future.succeededFuture(AttemptResult.failed(GatewayError.UPSTREAM_UNREACHABLE.failure(FailureClass.UNKNOWN,
            "no adaptor for channel type " + channel.type())))
        : dispatcher.attempt(adaptor.get(), spec, ctx.request(), ctx.client(), ctx.promptEstimate(),
            ctx.startNanos());
    return result.map(r -> {
      long latency = (System.nanoTime() - started) / 1_000_000;
      emit(ctx, channel, upstreamModel, r, latency);
      RelayResult attempted = RelayResult.attempted(channel, spec, r);
      AttemptError error = error(channel, upstreamModel, r, latency);
      return error == null ? attempted : attempted.withError(error);
    });
  }

  /** The error log row of an attempt that failed, was cut, or lost its client before any byte; else null. */
  static AttemptError error(Channel channel, String model, AttemptResult r, long latencyMillis) {
    if (r.failure() != null) {
      Object message = r.failure().clientError() == null ? null : r.failure().clientError().getValue("message");
      return new AttemptError(channel.id(), channel.type(), model, r.httpStatus(), r.failure().failureClass().name(),
          r.failure().errorCode(), message == null ? "" : message.toString(), latencyMillis);
    }
    if (r.kind() == AttemptResult.Kind.CLIENT_ABORTED && r.usage().source() == Usage.Source.NONE) {
      return new AttemptError(channel.id(), channel.type(), model, r.httpStatus(), FailureClass.CLIENT_ABORTED.name(),
          "client_aborted", "the client closed the connection before any byte of the answer", latencyMillis);
    }
    return null;
  }

  private void emit(RelayContext ctx, Channel channel, String model, AttemptResult r, long latencyMillis) {
    FailureClass cls = switch (r.kind()) {
      case DELIVERED -> FailureClass.NONE;
      case CLIENT_ABORTED -> FailureClass.CLIENT_ABORTED;
      case TRUNCATED, FAILED -> r.failure() == null ? FailureClass.CLIENT_ABORTED : r.failure().failureClass();
    };
    String code = r.failure() == null ? "" : r.failure().errorCode();
    events.outcome(new AttemptOutcome(AttemptOutcome.SCHEMA_VERSION, ctx.requestId() + "-" + ctx.attempt(),
        ctx.requestId(), clock.millis(), channel.id(), channel.type(), model, r.httpStatus(), cls, code,
        latencyMillis, ctx.attempt() == 0, "relay",
        r.failure() == null ? 0 : r.failure().retryAfterMillis()));
    if (cls != FailureClass.NONE) {
      LOG.info("request {} attempt {} on channel {} failed: {} {}", ctx.requestId(), ctx.attempt(), channel.id(),
          cls, r.httpStatus());
    }
  }

  /** Whether the client asked for the stream's usage chunk ({@code stream_options.include_usage: true}). */
  static boolean includeUsage(RelayRequest request) {
    JsonObject json = request.body() == null ? null : request.body().json();
    return json != null && json.getValue("stream_options") instanceof JsonObject options
        && Boolean.TRUE.equals(options.getValue("include_usage"));
  }
}
