package io.onegate.gateway.relay;

import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.UpstreamFailure;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry of a relayed request: builds the {@link RelayContext} from the current snapshot and runs the chain
 * {@link AuthenticateFilter} → {@link ParseFilter} → {@link RouteFilter} → {@link PriceFilter} →
 * {@link AdmitFilter} → {@link SettleFilter} → {@link RetryFilter} → {@link DispatchFilter}; then writes the error
 * for a refusal or a final upstream failure (successful answers were already written by the dispatcher and
 * finished by the settle step), and hands a refusal before admission of a known caller to the {@link RefusalLog}
 * (its error log row). Nothing on this path blocks or touches PostgreSQL.
 */
final class RelayHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);

  private final RelayServices s;
  private final RelayChain chain;
  private final RefusalLog refusals;

  RelayHandler(RelayServices services) {
    this.s = services;
    this.refusals = new RefusalLog(services.events(), services.clock());
    this.chain = RelayChain.of(List.of(new AuthenticateFilter(services), new ParseFilter(), new RouteFilter(),
        new PriceFilter(services), new AdmitFilter(services), new SettleFilter(services), new RetryFilter(services),
        new DispatchFilter(services)));
  }

  void handle(RoutingContext ctx, Endpoint endpoint, Buffer body) {
    String requestId = ctx.get(RelayRoutes.REQUEST_ID);
    var remote = ctx.request().remoteAddress();
    RelayContext start = RelayContext.start(requestId, Vertx.currentContext(), s.state().current(),
        new ClientLink(ctx.response()), endpoint, ctx.request().headers(), remote == null ? null : remote.hostAddress(),
        body, ctx.pathParam("model"));
    chain.proceed(start).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("request {} failed inside the gateway: {}", requestId, ar.cause().toString());
        ErrorResponses.write(ctx.response(), requestId, GatewayError.INTERNAL);
        return;
      }
      RelayResult result = ar.result();
      if (result.isRefusal()) {
        refusals.refused(result.context(), result.refusal(), result.refusalArgs());
        ErrorResponses.write(ctx.response(), requestId, result.refusal(), result.refusalArgs());
      } else if (result.attempt().kind() == AttemptResult.Kind.FAILED) {
        UpstreamFailure f = result.attempt().failure();
        if (f.failureClass().keyIsDead()) {
          // One API quirk Q4: an upstream 401/403/insufficient_quota about the channel's own key was passed on as
          // is, and clients took it for a problem with theirs. It is the gateway's problem: 503.
          String code = f.errorCode() == null || f.errorCode().isEmpty()
              ? f.failureClass().name().toLowerCase(java.util.Locale.ROOT) : f.errorCode();
          ErrorResponses.write(ctx.response(), requestId, GatewayError.CHANNEL_CREDENTIAL_REFUSED, code);
        } else {
          ErrorResponses.write(ctx.response(), requestId, f);
        }
      }
    });
  }
}
