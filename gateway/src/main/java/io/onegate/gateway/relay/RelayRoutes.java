package io.onegate.gateway.relay;

import io.onegate.common.balance.BalanceLeases;
import io.onegate.common.balance.LiveBalances;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.domain.ChannelRepository;
import io.onegate.common.crypto.KeyCipher;
import io.onegate.common.crypto.TokenVault;
import io.onegate.common.event.UsageSink;
import io.onegate.common.kafka.KafkaSupport;
import io.onegate.common.kafka.Topics;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.gateway.relay.usage.EventEmitter;
import io.onegate.gateway.state.ChannelHoldView;
import io.onegate.gateway.state.IpRange;
import io.onegate.gateway.state.SnapshotLoader;
import io.onegate.gateway.state.StateStore;
import io.onegate.providers.registry.ProviderRegistry;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.transport.CredentialCache;
import io.onegate.providers.transport.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /v1} relay surface on a sub-router: every response carries {@code X-Oneapi-Request-Id}; bodies are
 * read raw up to MAX_REQUEST_BODY_MB (413 beyond); unknown routes are 404 and not-implemented OpenAI APIs 501, all
 * in OpenAI's error shape, never HTML or a stack trace.
 */
public final class RelayRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(RelayRoutes.class);
  static final String REQUEST_ID = "onegate.requestId";

  private RelayRoutes() {
  }

  /** What {@link #mount} started, to stop on shutdown. */
  public record Mounted(RelayServices services, EventEmitter events, StateStore state, Vertx vertx,
                        long leaseTimer) {
    /** How long a stop waits for Kafka to acknowledge the journaled events (the rest stays for the next start). */
    static final Duration EVENT_FLUSH = Duration.ofSeconds(10);

    /**
     * Returns the balance leases, flushes the event journal to Kafka, stops the snapshots, the channel-hold view
     * and the upstream client.
     */
    public Future<Void> stop() {
      vertx.cancelTimer(leaseTimer);
      return services.balances().returnAll(vertx.getOrCreateContext())
          .eventually(() -> vertx.executeBlocking(() -> {
            events.close(EVENT_FLUSH);
            return null;
          }, false))
          .eventually(state::stop)
          .eventually(() -> vertx.executeBlocking(() -> {
            services.holds().stop();
            return null;
          }, false))
          .eventually(() -> services.upstream().close());
    }
  }

  /** Builds the relay of a gateway node from its runtime (state loaded from PostgreSQL) and mounts it. */
  public static Future<Mounted> mount(Router router, ProcessRuntime runtime) {
    Config config = runtime.config();
    Vertx vertx = runtime.vertx();
    SnapshotLoader loader = new SnapshotLoader(runtime.pg(),
        new ChannelRepository(runtime.pg(), KeyCipher.fromConfig(config)), TokenVault.fromConfig(config));
    return StateStore.start(vertx, loader, Duration.ofSeconds(config.get(Settings.SYNC_FREQUENCY)))
        .compose(state -> vertx.executeBlocking(() -> events(config), false)
            .compose(events -> vertx.executeBlocking(() -> services(runtime, state, events), false)
                .map(services -> {
                  mount(router, vertx, services, RelayMeters.on(runtime.metrics()), new BillingDashboard(services,
                      runtime.pg(), config.get(Settings.DEBUG) ? 0 : config.get(Settings.GLOBAL_API_RATE_LIMIT)));
                  registerEventMeters(runtime, events);
                  return new Mounted(services, events, state, vertx, services.balances().startIdleReturn(vertx));
                })));
  }

  private static void registerEventMeters(ProcessRuntime runtime, EventEmitter events) {
    io.micrometer.core.instrument.Gauge.builder("onegate_usage_events_pending", events, EventEmitter::pending)
        .description("Event records journaled and not yet acknowledged by Kafka").register(runtime.metrics());
    io.micrometer.core.instrument.FunctionCounter.builder("onegate_usage_events_delivered", events,
        EventEmitter::delivered).register(runtime.metrics());
    io.micrometer.core.instrument.FunctionCounter.builder("onegate_usage_emit_failures", events,
        EventEmitter::emitFailures).description("Event records that could not be journaled (disk)")
        .register(runtime.metrics());
  }

  /** This node's event journal: {@code USAGE_SPILL_DIR} (default {@code DATA_DIR/usage-spill}) / gateway-PORT. */
  public static Path journalDir(Config config) {
    return config.find(Settings.USAGE_SPILL_DIR).map(Path::of)
        .orElse(Path.of(config.get(Settings.DATA_DIR), "usage-spill"))
        .resolve("gateway-" + config.get(Settings.PORT));
  }

  /**
   * The node's Kafka event emitter over its journal (blocking: call from a worker thread at start-up). One journal
   * per node (nodes on one host may share DATA_DIR); a restarted node sends its own unacknowledged tail.
   */
  static EventEmitter events(Config config) throws java.io.IOException {
    Path journalDir = journalDir(config);
    java.util.Map<String, Object> producer = KafkaSupport.producerProps(config, "onegate-gateway-events");
    // Events are not latency-critical: a long linger turns per-request sends into a few batches per second, so the
    // broker, the workers and the gateway's own producer thread wake up rarely instead of per request.
    producer.put(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG,
        config.get(Settings.USAGE_EVENT_LINGER_MS));
    producer.put(org.apache.kafka.clients.producer.ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    return new EventEmitter(Topics.of(config), producer, journalDir, Duration.ofSeconds(2));
  }

  /**
   * The relay's services handing their events to {@code events} (the node's {@link EventEmitter}, or a test's
   * recording sink). Blocking parts (token encodings, Hazelcast epoch and channel holds): call from a worker thread
   * at start-up.
   */
  public static RelayServices services(ProcessRuntime runtime, StateStore state, UsageSink events) {
    Config config = runtime.config();
    UpstreamClient upstream = new UpstreamClient(runtime.vertx(), UpstreamClient.Settings.relay(config));
    Clock clock = Clock.systemUTC();
    return new RelayServices(state, ProviderRegistry.defaults(), upstream,
        new CredentialCache(upstream, clock, Duration.ofMinutes(5)), new TokenEstimator(),
        new BalanceLeases(new LiveBalances(runtime.hazelcast()), leasePolicy(config), System::nanoTime), events,
        new ClientIp(IpRange.parseList(config.get(Settings.TRUSTED_PROXIES))), clock, new Random(),
        config.get(Settings.MAX_REQUEST_BODY_MB) * 1024L * 1024L, ChannelHoldView.start(runtime.hazelcast(), clock));
  }

  /** Leases of up to BALANCE_LEASE_MAX_QUOTA, 64 requests' worth, while 16× is left, given back after 1 s idle. */
  static BalanceLeases.Policy leasePolicy(Config config) {
    return new BalanceLeases.Policy(config.get(Settings.BALANCE_LEASE_MAX_QUOTA), 64, 16, 1_000_000_000L);
  }

  /** Mounts {@code /v1/*} on {@code router} with the given services, without meters and billing dashboard. */
  public static void mount(Router router, Vertx vertx, RelayServices services) {
    mount(router, vertx, services, RelayMeters.none(), null);
  }

  /**
   * Mounts {@code /v1/*} on {@code router} with the given services, ahead of the router's other routes (the relay
   * is the hot path: its requests should not walk the console's and the API's routes first), and One API's
   * billing dashboard ({@code /dashboard/billing/*}, also under {@code /v1}) when {@code dashboard} is given.
   */
  static void mount(Router router, Vertx vertx, RelayServices services, RelayMeters meters,
                    BillingDashboard dashboard) {
    RequestIds ids = new RequestIds(services.clock(), services.random());
    RelayHandler relay = new RelayHandler(services);
    ModelsHandler models = new ModelsHandler(services);
    Router v1 = Router.router(vertx);
    v1.route().handler(ctx -> {
      long start = System.nanoTime();
      ctx.addEndHandler(done -> meters.record(ctx.response().getStatusCode(), System.nanoTime() - start));
      stampRequestId(ctx, ids);
    });
    v1.route().handler(CorsHandler.create()
        .allowedMethods(java.util.Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.OPTIONS))
        .allowedHeader("*"));
    post(v1, "/chat/completions", Endpoint.CHAT_COMPLETIONS, relay, services);
    post(v1, "/completions", Endpoint.COMPLETIONS, relay, services);
    post(v1, "/embeddings", Endpoint.EMBEDDINGS, relay, services);
    post(v1, "/engines/:model/embeddings", Endpoint.EMBEDDINGS, relay, services);
    post(v1, "/moderations", Endpoint.MODERATIONS, relay, services);
    post(v1, "/images/generations", Endpoint.IMAGES_GENERATIONS, relay, services);
    post(v1, "/audio/transcriptions", Endpoint.AUDIO_TRANSCRIPTIONS, relay, services);
    post(v1, "/audio/translations", Endpoint.AUDIO_TRANSLATIONS, relay, services);
    post(v1, "/audio/speech", Endpoint.AUDIO_SPEECH, relay, services);
    post(v1, "/rerank", Endpoint.RERANK, relay, services);
    if (dashboard != null) {
      mountBillingDashboard(router, v1, vertx, ids, dashboard);
    }
    v1.get("/models").handler(models::list);
    v1.get("/models/:model").handler(models::one);
    v1.delete("/models/:model").handler(RelayRoutes::notImplemented);
    for (String prefix : new String[] {"/files", "/fine_tuning", "/fine-tunes", "/assistants", "/threads",
        "/batches", "/vector_stores"}) {
      v1.route(prefix).handler(RelayRoutes::notImplemented);
      v1.route(prefix + "/*").handler(RelayRoutes::notImplemented);
    }
    v1.post("/images/edits").handler(RelayRoutes::notImplemented);
    v1.post("/images/variations").handler(RelayRoutes::notImplemented);
    v1.route().handler(RelayRoutes::routeNotFound);
    v1.route().failureHandler(ctx -> {
      if (ctx.failure() != null) {
        LOG.error("request {} failed: {}", (Object) ctx.get(REQUEST_ID), ctx.failure().toString());
      }
      GatewayError error = ctx.statusCode() == 413 ? GatewayError.BODY_TOO_LARGE
          : ctx.statusCode() == 404 ? GatewayError.ROUTE_NOT_FOUND : GatewayError.INTERNAL;
      String id = ctx.get(REQUEST_ID) == null ? ids.next() : ctx.get(REQUEST_ID);
      if (!ctx.response().headWritten()) {
        ctx.response().putHeader(RequestIds.HEADER, id);
      }
      if (error == GatewayError.BODY_TOO_LARGE) {
        ErrorResponses.write(ctx.response(), id, error, services.maxBodyBytes() / (1024 * 1024));
      } else if (error == GatewayError.ROUTE_NOT_FOUND) {
        ErrorResponses.write(ctx.response(), id, error, ctx.request().method().name(), ctx.request().path());
      } else {
        ErrorResponses.write(ctx.response(), id, error);
      }
      if (!ctx.response().ended()) {
        ctx.request().connection().close();
      }
    });
    router.route("/v1/*").order(-1).subRouter(v1);
  }

  private static void post(Router v1, String path, Endpoint endpoint, RelayHandler relay, RelayServices s) {
    v1.route(HttpMethod.POST, path).handler(ctx -> readBody(ctx, s.maxBodyBytes(),
        body -> relay.handle(ctx, endpoint, body)));
  }

  /** Reads the raw body up to {@code limit} bytes; beyond it answers 413 and closes the connection. */
  private static void readBody(RoutingContext ctx, long limit, java.util.function.Consumer<Buffer> then) {
    HttpServerRequest req = ctx.request();
    String length = req.getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > limit) {
          tooLarge(ctx, limit);
          return;
        }
      } catch (NumberFormatException e) {
        ErrorResponses.write(ctx.response(), ctx.get(REQUEST_ID), GatewayError.INVALID_REQUEST,
            "invalid Content-Length");
        return;
      }
    }
    Buffer body = Buffer.buffer(length == null ? 1024 : (int) Math.min(Long.parseLong(length.trim()), limit));
    boolean[] refused = {false};
    req.handler(chunk -> {
      if (refused[0]) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        refused[0] = true;
        tooLarge(ctx, limit);
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(err -> refused[0] = true);
    req.endHandler(v -> {
      if (!refused[0]) {
        then.accept(body);
      }
    });
    req.resume();
  }

  private static void tooLarge(RoutingContext ctx, long limit) {
    ctx.response().putHeader("Connection", "close");
    ErrorResponses.write(ctx.response(), ctx.get(REQUEST_ID), GatewayError.BODY_TOO_LARGE, limit / (1024 * 1024));
  }

  private static void notImplemented(RoutingContext ctx) {
    ErrorResponses.write(ctx.response(), ctx.get(REQUEST_ID), GatewayError.NOT_IMPLEMENTED);
  }

  /** {@code /dashboard/billing/*} on the router (with its own request ids and CORS) and under {@code /v1}. */
  private static void mountBillingDashboard(Router router, Router v1, Vertx vertx, RequestIds ids,
                                            BillingDashboard dashboard) {
    v1.get("/dashboard/billing/subscription").handler(dashboard::subscription);
    v1.get("/dashboard/billing/usage").handler(dashboard::usage);
    Router billing = Router.router(vertx);
    billing.route().handler(ctx -> stampRequestId(ctx, ids));
    billing.route().handler(CorsHandler.create().allowedMethods(java.util.Set.of(HttpMethod.GET, HttpMethod.OPTIONS))
        .allowedHeader("*"));
    billing.get("/subscription").handler(dashboard::subscription);
    billing.get("/usage").handler(dashboard::usage);
    billing.route().handler(RelayRoutes::routeNotFound);
    router.route("/dashboard/billing/*").subRouter(billing);
  }

  private static void routeNotFound(RoutingContext ctx) {
    ErrorResponses.write(ctx.response(), ctx.get(REQUEST_ID), GatewayError.ROUTE_NOT_FOUND,
        ctx.request().method().name(), ctx.request().path());
  }

  /** Gives the request its id (context and X-Oneapi-Request-Id header) and passes it on. */
  private static void stampRequestId(RoutingContext ctx, RequestIds ids) {
    String id = ids.next();
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader(RequestIds.HEADER, id);
    ctx.next();
  }
}
