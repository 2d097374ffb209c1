package io.onegate.gateway.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;

/**
 * Mounts the web console: the single-page application at {@code /} (static files from the classpath folder
 * {@value #WEBROOT}), its libraries at {@code /webjars/} (from WebJars on the classpath, version-less paths
 * allowed), and a fallback that answers every other GET outside the reserved prefixes with {@code index.html},
 * so that deep links such as {@code /channel/edit/3} load the application.
 *
 * <p>Call it after the {@code /api} and {@code /v1} routes: the fallback is registered as the router's last
 * route and never answers under {@link #RESERVED_PREFIXES}, whose unknown paths keep their own 404s.
 */
public final class ConsoleRoutes {
  /** Classpath folder of the console's files. */
  public static final String WEBROOT = "webroot";
  /** Paths the SPA fallback never answers. */
  public static final List<String> RESERVED_PREFIXES =
      List.of("/api/", "/v1/", "/webjars/", "/assets/", "/healthz", "/readyz", "/metrics");

  /** Content-Security-Policy of the console's pages: same-origin scripts, no framing. */
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

  private ConsoleRoutes() {
  }

  /** Adds the console's routes to {@code router}. */
  public static void mount(Router router) {
    router.get("/webjars/*").handler(new WebJarHandler());
    router.get("/assets/*").handler(ConsoleRoutes::securityHeaders).handler(
        StaticHandler.create(WEBROOT + "/assets").setCachingEnabled(true).setMaxAgeSeconds(300)
            .setIncludeHidden(false).setDirectoryListing(false).setDefaultContentEncoding("UTF-8"));
    router.get().last().handler(ConsoleRoutes::spaFallback);
  }

  private static void securityHeaders(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response.putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", CSP);
    ctx.next();
  }

  private static void spaFallback(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    for (String prefix : RESERVED_PREFIXES) {
      if (path.startsWith(prefix) || path.equals(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1)
          : prefix)) {
        ctx.next();
        return;
      }
    }
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", CSP)
        .sendFile(WEBROOT + "/index.html")
        .onFailure(err -> {
          if (!ctx.response().ended()) {
            ctx.fail(404);
          }
        });
  }
}
