package io.onegate.gateway.api.aiproxy;

import io.onegate.gateway.api.ApiContext;
import io.onegate.gateway.api.ApiException;
import io.onegate.gateway.api.ApiRouter;
import io.onegate.gateway.api.ChannelRoutes;
import io.onegate.gateway.api.ChannelTester;
import io.onegate.gateway.api.Roles;
import io.onegate.providers.registry.ProviderRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The AI Proxy (labring/aiproxy) admin API that FastGPT uses when {@code AIPROXY_API_ENDPOINT} and
 * {@code AIPROXY_API_TOKEN} are set, over OneGate's channels, logs and usage (docs/fastgpt.md). Authentication is
 * {@code /api}'s: an administrator's access token ({@code Authorization: Bearer …}, what FastGPT sends) or session.
 *
 * <p>Two mounts. Under {@link #PREFIX} ({@code AIPROXY_API_ENDPOINT=http://onegate:3000/aiproxy}) every AI Proxy
 * route answers in AI Proxy's shapes, and {@code /aiproxy/v1/...} is the relay. Under {@code /api} too, for FastGPT
 * versions whose admin proxy drops the endpoint's path: there One API's routes win where both APIs share a path —
 * {@code GET /api/channel/:id} stays One API's, {@code DELETE /api/channel/:id} is the same operation in both, and
 * {@code POST /api/channel/} is AI Proxy's when its {@code models} is a list (One API sends a comma string). The
 * other AI Proxy routes ({@code /api/channels/...}, {@code PUT /api/channel/:id}, {@code /api/channel/:id/status},
 * {@code /api/channel/:id/test/:model}, {@code /api/logs/...}, {@code /api/dashboardv2/}) exist only in AI Proxy.
 * AI Proxy's per-group (member) channels have no counterpart: those routes answer a clear refusal.
 */
public final class AiProxyApi {
  /** The path AI Proxy's endpoint is served under. */
  public static final String PREFIX = "/aiproxy";
  private static final String FLAVOR = "onegate.aiproxy";
  private static final String NO_GROUPS = "OneGate has no per-group (member) channels: AI Proxy's group routes are "
      + "not supported; manage system channels (/api/channels/...)";

  private AiProxyApi() {
  }

  /**
   * Mounts the routes on {@code router} through {@code routes}; call before One API's channel routes are mounted
   * (the shared paths are decided here first).
   */
  public static void mount(Router router, ApiRouter routes, ApiContext api, ChannelRoutes channels,
                           ChannelTester tester, ProviderRegistry registry) {
    router.route(PREFIX + "/*").handler(AiProxyApi::reroute);
    AiProxyChannels ch = new AiProxyChannels(api, channels, tester, registry);
    AiProxyLogs logs = new AiProxyLogs(api);
    AiProxyDashboard dashboard = new AiProxyDashboard(api);

    routes.get("/api/channels/", Roles.ADMIN, ch::page);
    routes.get("/api/channels/search", Roles.ADMIN, ch::page);
    routes.get("/api/channels/all", Roles.ADMIN, ch::all);
    routes.get("/api/channels/type_metas", Roles.ADMIN, ch::typeMetas);
    routes.post("/api/channels/batch_delete", Roles.ADMIN, ch::batchDelete);
    routes.post("/api/channels/batch_status", Roles.ADMIN, ch::batchStatus);
    routes.post("/api/channel/:id/status", Roles.ADMIN, ch::status);
    routes.put("/api/channel/:id", Roles.ADMIN, ch::update);
    routes.get("/api/channel/:id/test/*", Roles.ADMIN, ch::test);
    for (String path : new String[] {"/api/channel/", "/api/channel"}) {
      routes.when(HttpMethod.POST, path, ctx -> aiProxy(ctx) || listOfModels(ctx), Roles.ADMIN, ch::create);
    }
    routes.when(HttpMethod.GET, "/api/channel/:id", AiProxyApi::aiProxy, Roles.ADMIN, ch::get);
    routes.get("/api/logs/", Roles.ADMIN, logs::search);
    routes.get("/api/logs/search", Roles.ADMIN, logs::search);
    routes.get("/api/logs/detail/:id", Roles.ADMIN, logs::detail);
    routes.get("/api/dashboardv2/", Roles.ADMIN, dashboard::series);
    for (String path : new String[] {"/api/group/:group/*", "/api/group_channels/*", "/api/group_channel/*",
        "/api/log/:group/group_channel/*"}) {
      routes.when(HttpMethod.GET, path, AiProxyApi::aiProxy, Roles.ADMIN, AiProxyApi::noGroups);
      routes.when(HttpMethod.POST, path, AiProxyApi::aiProxy, Roles.ADMIN, AiProxyApi::noGroups);
      routes.when(HttpMethod.PUT, path, AiProxyApi::aiProxy, Roles.ADMIN, AiProxyApi::noGroups);
      routes.when(HttpMethod.DELETE, path, AiProxyApi::aiProxy, Roles.ADMIN, AiProxyApi::noGroups);
    }
  }

  /** {@code /aiproxy/…} is served as {@code /…}, marked as an AI Proxy request (the relay needs no mark). */
  private static void reroute(RoutingContext ctx) {
    String uri = ctx.request().uri();
    if (!uri.startsWith(PREFIX + "/")) {
      ctx.next();
      return;
    }
    ctx.put(FLAVOR, Boolean.TRUE);
    ctx.reroute(uri.substring(PREFIX.length()));
  }

  private static boolean aiProxy(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(FLAVOR));
  }

  /** AI Proxy's channel body: {@code models} is a list (One API's is a comma-separated string). */
  private static boolean listOfModels(RoutingContext ctx) {
    try {
      return ctx.body().asJsonObject() != null && ctx.body().asJsonObject().getValue("models") instanceof JsonArray;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Future<?> noGroups(io.onegate.gateway.api.ApiCall call) {
    return Future.failedFuture(ApiException.refused(NO_GROUPS));
  }
}
