package io.onegate.gateway.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.MimeMapping;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.webjars.WebJarVersionLocator;

/**
 * Serves {@code /webjars/<name>/[<version>/]<file>} from the WebJars on the classpath
 * ({@code META-INF/resources/webjars/...}). A path without the version is resolved to the WebJar present, so the
 * console's HTML names no library version. Unknown files fall through to the next route (a 404).
 */
final class WebJarHandler implements Handler<RoutingContext> {
  private static final String PREFIX = WebJarVersionLocator.WEBJARS_PATH_PREFIX;
  private final WebJarVersionLocator locator = new WebJarVersionLocator();
  /** Only files that exist are remembered, so unknown paths cannot grow it. */
  private final Map<String, String> found = new ConcurrentHashMap<>();

  @Override
  public void handle(RoutingContext ctx) {
    String rest = ctx.pathParam("*");
    if (rest == null || rest.isEmpty() || rest.contains("..") || rest.contains("\\")) {
      ctx.next();
      return;
    }
    Optional<String> resource = Optional.ofNullable(found.get(rest)).or(() -> resolve(rest));
    if (resource.isEmpty()) {
      ctx.next();
      return;
    }
    String file = resource.get();
    String mime = MimeMapping.mimeTypeForFilename(file);
    if (mime == null) {
      mime = "application/octet-stream";
    } else if (mime.startsWith("text/") || mime.endsWith("javascript")) {
      mime = mime + "; charset=utf-8";
    }
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, mime)
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=86400")
        .putHeader("X-Content-Type-Options", "nosniff")
        .sendFile(file);
  }

  /** Classpath path of a WebJar file, trying the path as given and then with the present version inserted. */
  private Optional<String> resolve(String rest) {
    ClassLoader loader = WebJarHandler.class.getClassLoader();
    String exact = PREFIX + "/" + rest;
    if (loader.getResource(exact) != null) {
      found.put(rest, exact);
      return Optional.of(exact);
    }
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      return Optional.empty();
    }
    String full = locator.fullPath(rest.substring(0, slash), rest.substring(slash + 1));
    if (full == null || loader.getResource(full) == null) {
      return Optional.empty();
    }
    found.put(rest, full);
    return Optional.of(full);
  }
}
