package io.onegate.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's HTTP surface: the SPA at {@code /} and on deep links, its assets, WebJars by version-less and
 * versioned path, and the reserved prefixes ({@code /api}, {@code /v1}, ...) never answered with the SPA.
 */
class ConsoleRoutesTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/api/status").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("success", true)));
    ConsoleRoutes.mount(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> send(HttpMethod method, String path) throws Exception {
    return client.request(method, server.actualPort(), "127.0.0.1", path).send()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void rootAndDeepLinksServeTheSinglePageApp() throws Exception {
    for (String path : new String[] {"/", "/login", "/channel/edit/3", "/token?p=2", "/setting"}) {
      HttpResponse<Buffer> r = send(HttpMethod.GET, path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.getHeader("content-type")).as(path).startsWith("text/html");
      assertThat(r.bodyAsString()).as(path).contains("<div id=\"app\">").contains("/assets/js/main.js");
      assertThat(r.getHeader("Content-Security-Policy")).contains("default-src 'self'").contains("frame-ancestors 'none'");
      assertThat(r.getHeader("Cache-Control")).isEqualTo("no-cache");
    }
  }

  @Test
  void reservedPrefixesAreNeverAnsweredWithTheApp() throws Exception {
    for (String path : new String[] {"/api/nope", "/v1/chat/completions", "/v1/models", "/webjars/nope/x.js",
        "/assets/js/nope.js", "/metrics", "/healthz"}) {
      HttpResponse<Buffer> r = send(HttpMethod.GET, path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(String.valueOf(r.bodyAsString())).as(path).doesNotContain("<div id=\"app\">");
    }
    assertThat(send(HttpMethod.GET, "/api/status").bodyAsJsonObject().getBoolean("success")).isTrue();
    assertThat(send(HttpMethod.POST, "/dashboard").statusCode()).isIn(404, 405);
  }

  @Test
  void assetsAreServedWithTheirTypes() throws Exception {
    HttpResponse<Buffer> js = send(HttpMethod.GET, "/assets/js/main.js");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.getHeader("content-type")).contains("javascript");
    assertThat(js.bodyAsString()).contains("ROUTES");
    HttpResponse<Buffer> css = send(HttpMethod.GET, "/assets/css/console.css");
    assertThat(css.getHeader("content-type")).startsWith("text/css");
    assertThat(css.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(send(HttpMethod.GET, "/assets/js/pages/channel-edit.js").bodyAsString()).contains("/api/models");
  }

  @Test
  void webJarsResolveWithAndWithoutTheirVersion() throws Exception {
    HttpResponse<Buffer> unversioned = send(HttpMethod.GET, "/webjars/uplot/dist/uPlot.esm.js");
    assertThat(unversioned.statusCode()).isEqualTo(200);
    assertThat(unversioned.getHeader("content-type")).contains("javascript");
    assertThat(unversioned.bodyAsString()).contains("export");
    HttpResponse<Buffer> versioned = send(HttpMethod.GET, "/webjars/uplot/1.6.30/dist/uPlot.min.css");
    assertThat(versioned.statusCode()).isEqualTo(200);
    assertThat(versioned.getHeader("content-type")).startsWith("text/css");
    // Dot segments are normalised away before routing: nothing outside the WebJars folder is reachable.
    for (String path : new String[] {"/webjars/uplot/../../../META-INF/MANIFEST.MF", "/webjars/%2e%2e/%2e%2e/META-INF/MANIFEST.MF",
        "/assets/../../META-INF/MANIFEST.MF"}) {
      assertThat(String.valueOf(send(HttpMethod.GET, path).bodyAsString())).as(path).doesNotContain("Manifest-Version");
    }
    assertThat(send(HttpMethod.GET, "/webjars/uplot/dist/nope.js").statusCode()).isEqualTo(404);
  }
}
