package io.onegate.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.gateway.GatewayApplication;
import io.onegate.testkit.TestInfra;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The console as the real gateway serves it (real PostgreSQL, Kafka and Hazelcast through TestInfra): the SPA at
 * {@code /} next to the real {@code /api/status}, the WebJars loading in Chromium, the login page in both
 * languages and at phone width.
 */
class ConsoleGatewayTest {
  private static ProcessRuntime runtime;
  private static ProcessMain.Application app;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    Config config = TestInfra.get().freshConfig();
    runtime = ProcessRuntime.start(config).toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    app = GatewayApplication.start(runtime).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    port = config.get(Settings.PORT);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      ProcessRuntime.awaitQuietly(app.stop(), Duration.ofSeconds(5));
    }
    if (runtime != null) {
      runtime.closeBlocking(Duration.ofSeconds(15));
    }
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    WebClient client = WebClient.create(runtime.vertx());
    try {
      return client.get(port, "127.0.0.1", path).send().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  @Test
  void gatewayServesTheConsoleBesideItsApiAndProbes() throws Exception {
    assertThat(get("/").bodyAsString()).contains("<div id=\"app\">");
    assertThat(get("/token/edit/1").bodyAsString()).contains("/assets/js/main.js");
    assertThat(get("/api/status").bodyAsJsonObject().getBoolean("success")).isTrue();
    assertThat(get("/readyz").bodyAsString()).doesNotContain("<div id=\"app\">");
    assertThat(get("/metrics").bodyAsString()).contains("jvm_memory_used_bytes");
    assertThat(get("/webjars/uplot/dist/uPlot.iife.min.js").statusCode()).isEqualTo(200);
  }

  @Test
  void loginPageRendersFromTheRealGatewayWithItsLibraries() throws Exception {
    Chromium.assumeAvailable();
    try (Chromium browser = Chromium.start(port, "zh-CN", 1280, 800)) {
      browser.open("/channel/edit/1");
      browser.awaitPath("/login");
      assertThat(browser.await(By.cssSelector("[data-testid=login-form] h1")).getText()).isEqualTo("登录");
      assertThat(browser.driver.findElement(By.cssSelector(".brand")).getText()).isEqualTo("OneGate");
      Object uplot = browser.asyncJs("const done = arguments[arguments.length - 1];"
          + "import('/assets/js/dom.js').then(m => m.loadScript('/webjars/uplot/dist/uPlot.iife.min.js'))"
          + ".then(() => done(typeof window.uPlot + ':' + typeof window.uPlot.paths.bars), e => done('failed: ' + e));");
      assertThat(uplot).isEqualTo("function:function");
      Object css = browser.js("return [...document.styleSheets].map(s => s.href || '').join(' ')");
      assertThat(css).asString().contains("/webjars/uplot/dist/uPlot.min.css").contains("/assets/css/console.css");
      Object cssRules = browser.js("return [...document.styleSheets].every(s => s.cssRules.length > 0)");
      assertThat(cssRules).isEqualTo(true);
      browser.driver.findElement(By.cssSelector("[data-testid=lang-switch]")).click();
      browser.awaitText(By.cssSelector("[data-testid=login-form] h1"), "Log in");
      browser.resize(390, 844);
      Object overflow = browser.js("return document.documentElement.scrollWidth - window.innerWidth");
      assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
      assertThat(browser.driver.findElement(By.cssSelector("[data-testid=login-form]")).getSize().getWidth())
          .isLessThanOrEqualTo(390);
    }
  }
}
