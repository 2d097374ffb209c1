package io.onegate.gateway.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver, one fresh profile per instance. Tests call
 * {@link #assumeAvailable()} first: without the browser they are skipped, saying why, instead of failing.
 * Overridable with {@code ONEGATE_CHROMIUM} / {@code ONEGATE_CHROMEDRIVER}.
 */
final class Chromium implements AutoCloseable {
  static final Path BROWSER = Path.of(System.getenv().getOrDefault("ONEGATE_CHROMIUM", "/usr/bin/chromium"));
  static final Path DRIVER = Path.of(System.getenv().getOrDefault("ONEGATE_CHROMEDRIVER", "/usr/bin/chromedriver"));
  /** Where the tests write the console's screenshots (linked from the README). */
  static final Path SCREENSHOTS = locateScreenshots();

  final WebDriver driver;
  private final Path profile;
  private final String base;

  private Chromium(WebDriver driver, Path profile, String base) {
    this.driver = driver;
    this.profile = profile;
    this.base = base;
  }

  static boolean available() {
    return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
  }

  /** Skips the calling test (reported as skipped, with the reason) when there is no browser. */
  static void assumeAvailable() {
    Assumptions.assumeTrue(available(),
        "browser tests skipped: no headless Chromium at " + BROWSER + " with chromedriver at " + DRIVER
            + " (install Debian's 'chromium' and 'chromium-driver'; .ci/run does when it can)");
  }

  /** Starts a browser for http://127.0.0.1:port with the given navigator.language and window size. */
  static Chromium start(int port, String language, int width, int height) throws IOException {
    Path profile = Files.createTempDirectory("onegate-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--lang=" + language,
        "--window-size=" + width + "," + height, "--force-device-scale-factor=1");
    options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    driver.manage().window().setSize(new Dimension(width, height));
    return new Chromium(driver, profile, "http://127.0.0.1:" + port);
  }

  void open(String path) {
    driver.get(base + path);
  }

  String url(String path) {
    return base + path;
  }

  /** A wait of up to 15 s that checks every 50 ms (WebDriverWait's default 500 ms would dominate the tests). */
  WebDriverWait waiting() {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15), Duration.ofMillis(50));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  WebElement await(By by) {
    return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  List<WebElement> all(By by) {
    return driver.findElements(by);
  }

  void awaitText(By by, String text) {
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  void awaitPath(String path) {
    waiting().until(d -> d.getCurrentUrl().replace(base, "").startsWith(path));
  }

  /** Waits until the page module named {@code page} has rendered its content. */
  void awaitPage(String page) {
    await(By.cssSelector("[data-page='" + page + "'] .page, [data-page='" + page + "'] .center"));
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  Object asyncJs(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** Writes a full-window PNG to docs/screenshots/{name}.png and returns its path. */
  Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name + ".png");
    Object height = js("return Math.min(3000, Math.max(document.documentElement.scrollHeight, window.innerHeight));");
    Dimension before = driver.manage().window().getSize();
    int full = ((Number) height).intValue() + (before.getHeight() - ((Number) js("return window.innerHeight")).intValue());
    if (full > before.getHeight()) {
      driver.manage().window().setSize(new Dimension(before.getWidth(), full));
    }
    Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    driver.manage().window().setSize(before);
    return file;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a leftover temp profile is harmless
      }
    }
  }

  private static Path locateScreenshots() {
    Path dir = Path.of("").toAbsolutePath();
    // Surefire runs in the module folder; the screenshots belong to the repository's docs/.
    Path root = Files.exists(dir.resolve("../pom.xml")) && Files.isDirectory(dir.resolve("../docs")) ? dir.getParent() : dir;
    return root.resolve("docs/screenshots");
  }
}
