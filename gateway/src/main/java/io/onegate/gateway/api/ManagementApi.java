package io.onegate.gateway.api;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.crypto.KeyCipher;
import io.onegate.common.crypto.TokenVault;
import io.onegate.common.pricing.PriceTables;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.gateway.relay.ClientIp;
import io.onegate.gateway.state.IpRange;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One API's management API under {@code /api}: the envelope, role levels 1/10/100, session cookies and access
 * tokens ({@link Authenticator}), {@code GLOBAL_API_RATE_LIMIT} per client IP ({@link LocalRateLimiter}: HTTP 429
 * with an envelope), cluster-wide login limits ({@link LoginGuard}), a 2 MiB body limit, and a failure handler that
 * turns every error into an envelope (never a stack trace). The client address is the TCP peer, or the address
 * {@code X-Forwarded-For} names when the peer is one of {@code TRUSTED_PROXIES} ({@link ClientIp}; One API trusts
 * the header from anyone, quirk Q18). AI Proxy's admin API (FastGPT's channel management) is served
 * beside it ({@code api.aiproxy}).
 */
public final class ManagementApi {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementApi.class);
  static final long API_WINDOW_MILLIS = 180_000;
  static final int BODY_LIMIT = 2 << 20;
  /** Routing-context key of the request's {@link ClientAddress}. */
  static final String CLIENT_ADDRESS = "onegate.api.client-address";

  /** What other parts of OneGate provide to the management API. */
  public record Collaborators(ChannelTester tester, BalanceRefresher balances, ModelCatalog models,
                              BalanceSync liveBalances) {
    public static Collaborators defaults() {
      return new Collaborators(ChannelTester.UNAVAILABLE, BalanceRefresher.UNAVAILABLE, new BuiltInModels(),
          BalanceSync.NONE);
    }
  }

  private final ProcessRuntime runtime;
  private final long sweepTimer;
  private final long secretsTimer;
  private final Future<Integer> secretsConverted;

  private ManagementApi(ProcessRuntime runtime, long sweepTimer, long secretsTimer, Future<Integer> secretsConverted) {
    this.runtime = runtime;
    this.sweepTimer = sweepTimer;
    this.secretsTimer = secretsTimer;
    this.secretsConverted = secretsConverted;
  }

  /** Mounts every {@code /api} route on {@code router}; call {@link #close} when the server stops. */
  public static ManagementApi mount(Router router, ProcessRuntime runtime, Collaborators collaborators) {
    Config config = runtime.config();
    Clock clock = Clock.systemUTC();
    RandomGenerator random = new SecureRandom();
    String secret = config.find(Settings.SESSION_SECRET).orElseGet(() -> {
      LOG.warn("SESSION_SECRET is not set: sessions are signed with a random per-process key, so they do not "
          + "survive a restart and are valid on this node only");
      return TokenKeys.alnum(random, 48);
    });
    String cryptoSecret = KeyCipher.cryptoSecret(config).orElse(secret);
    TokenVault vault = new TokenVault(cryptoSecret);
    ApiContext api = new ApiContext(runtime.vertx(), runtime.pg(), clock, random, new Passwords(runtime.vertx()),
        new KeyCipher(cryptoSecret), vault, collaborators.liveBalances());
    boolean debug = config.get(Settings.DEBUG);
    SameOriginPolicy sameOrigin = new SameOriginPolicy(config.get(Settings.ALLOWED_HOSTS),
        () -> runtime.pg().preparedQuery("SELECT value FROM options WHERE key = $1")
            .execute(io.vertx.sqlclient.Tuple.of("ServerAddress"))
            .map(rows -> rows.size() == 0 ? "" : rows.iterator().next().getString(0)));
    Authenticator auth = new Authenticator(runtime.pg(), new SessionCodec(secret, clock), sameOrigin, vault);
    LoginGuard guard = new LoginGuard(runtime.hazelcast().getMap(LoginGuard.mapName()), runtime.vertx(), clock,
        debug ? 0 : config.get(Settings.CRITICAL_RATE_LIMIT), debug ? 0 : config.get(Settings.LOGIN_FAILURE_LIMIT));
    LocalRateLimiter apiLimiter = new LocalRateLimiter(debug ? 0 : config.get(Settings.GLOBAL_API_RATE_LIMIT),
        API_WINDOW_MILLIS, clock);

    ClientIp clientIp = new ClientIp(IpRange.parseList(config.get(Settings.TRUSTED_PROXIES)));
    router.route("/api/*").handler(ctx -> {
      ClientAddress address = ClientAddress.of(clientIp.resolve(ctx.request().remoteAddress() == null ? null
          : ctx.request().remoteAddress().hostAddress(), ctx.request().getHeader("X-Forwarded-For")));
      ctx.put(CLIENT_ADDRESS, address);
      if (!apiLimiter.tryAcquire(address.limitKey())) {
        Envelope.failure(ctx, ApiException.tooManyRequests("too many requests from your address " + address.text()
            + ": GLOBAL_API_RATE_LIMIT exceeded, try again later (behind a reverse proxy, set TRUSTED_PROXIES)",
            (apiLimiter.retryAfterMillis(address.limitKey()) + 999) / 1000));
        return;
      }
      ctx.next();
    });
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.route("/api/*").failureHandler(ctx -> {
      Throwable failure = ctx.failure();
      int code = ctx.statusCode();
      if (failure instanceof ApiException || failure != null && code < 0) {
        Envelope.failure(ctx, failure);
      } else if (code == 413) {
        Envelope.fail(ctx, 413, "the request body is too large (at most " + BODY_LIMIT + " bytes)");
      } else if (code >= 400 && code < 500) {
        Envelope.fail(ctx, 200, "bad request");
      } else {
        Envelope.failure(ctx, failure != null ? failure : new IllegalStateException("status " + code));
      }
    });

    ApiRouter routes = new ApiRouter(router, auth);
    StatusHandler status = new StatusHandler(runtime.pg(), clock);
    routes.get("/api/status", ApiRouter.PUBLIC, call -> status.status());
    routes.get("/api/notice", ApiRouter.PUBLIC, call -> api.options().map(o -> o.get("Notice")));
    routes.get("/api/about", ApiRouter.PUBLIC, call -> api.options().map(o -> o.get("About")));
    routes.get("/api/home_page_content", ApiRouter.PUBLIC, call -> api.options().map(o -> o.get("HomePageContent")));
    routes.get("/api/group/", Roles.ADMIN, call -> api.options().map(o ->
        new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(PriceTables.groupRatios(o).keySet()))));
    new IdentityRoutes(api, guard, auth).mount(routes);
    new UserAdminRoutes(api, auth).mount(routes);
    ChannelRoutes channels = new ChannelRoutes(api, collaborators.models(), collaborators.tester(),
        collaborators.balances());
    // before One API's channel routes: AI Proxy's decide first on the paths both APIs share
    io.onegate.gateway.api.aiproxy.AiProxyApi.mount(router, routes, api, channels, collaborators.tester(),
        io.onegate.providers.registry.ProviderRegistry.defaults());
    channels.mount(routes);
    new TokenRoutes(api).mount(routes);
    new LogRoutes(api).mount(routes);
    new RedemptionRoutes(api).mount(routes);
    new OptionRoutes(api).mount(routes);
    router.route("/api/*").handler(ctx -> Envelope.fail(ctx, 404, "no such API route: " + ctx.request().method()
        + " " + ctx.request().path()));

    long timer = runtime.vertx().setPeriodic(API_WINDOW_MILLIS, id -> apiLimiter.sweep());
    SecretsAtRest secrets = new SecretsAtRest(runtime.vertx(), runtime.pg(), vault);
    Future<Integer> converted = secrets.convertAll().otherwise(e -> {
      LOG.warn("converting plaintext relay keys and access tokens failed (retried every {} s): {}",
          SecretsAtRest.PERIOD_MILLIS / 1000, e.toString());
      return 0;
    });
    long secretsTimer = runtime.vertx().setPeriodic(SecretsAtRest.PERIOD_MILLIS, id -> secrets.convertAll()
        .onFailure(e -> LOG.warn("converting plaintext relay keys and access tokens failed: {}", e.toString())));
    return new ManagementApi(runtime, timer, secretsTimer, converted);
  }

  /** Completes once the plaintext secrets present at start-up are converted ({@link SecretsAtRest}). */
  public Future<Integer> secretsConverted() {
    return secretsConverted;
  }

  public Future<Void> close() {
    runtime.vertx().cancelTimer(sweepTimer);
    runtime.vertx().cancelTimer(secretsTimer);
    return Future.succeededFuture();
  }
}
