package io.onegate.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Every console page in a real headless Chromium, against {@link OneApiContractStub} (One API's documented /api
 * contract): what each page sends and shows, role hiding, both languages, phone width. Writes the screenshots in
 * docs/screenshots/. Skipped, with the reason, where Chromium is not installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsolePagesTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static OneApiContractStub stub;
  private static Chromium browser;
  private static String rootPassword = "123456";

  @BeforeAll
  static void start() throws Exception {
    if (!Chromium.available()) {
      return; // every test then reports itself skipped, saying why
    }
    vertx = Vertx.vertx();
    stub = new OneApiContractStub();
    Router router = Router.router(vertx);
    stub.mount(router);
    ConsoleRoutes.mount(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    browser = Chromium.start(server.actualPort(), "en-US", 1280, 860);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @BeforeEach
  void freshSession() {
    Chromium.assumeAvailable();
    browser.resize(1280, 860);
    browser.open("/assets/favicon.svg");
    browser.driver.manage().deleteAllCookies();
    browser.js("localStorage.clear()");
  }

  private void login(String username, String password) {
    browser.open("/login");
    browser.await(By.name("username")).sendKeys(username);
    browser.driver.findElement(By.name("password")).sendKeys(password);
    browser.driver.findElement(By.cssSelector("[data-testid=login-submit]")).click();
    browser.await(By.cssSelector("[data-testid=logout]"));
  }

  private List<String> navLinks() {
    return browser.all(By.cssSelector("nav.links a")).stream().map(a -> a.getAttribute("href")
        .replace(browser.url(""), "")).toList();
  }

  @Test
  @Order(1)
  void loginPageRendersInEnglishAndChineseAndRemembersTheChoice() throws Exception {
    browser.open("/");
    browser.awaitPath("/login");
    assertThat(browser.await(By.cssSelector("[data-testid=login-form] h1")).getText()).isEqualTo("Log in");
    assertThat(browser.js("return document.documentElement.lang")).isEqualTo("en");
    browser.screenshot("login");
    browser.driver.findElement(By.cssSelector("[data-testid=lang-switch]")).click();
    browser.awaitText(By.cssSelector("[data-testid=login-form] h1"), "登录");
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=login-submit]")).getText()).isEqualTo("登录");
    browser.driver.navigate().refresh();
    browser.awaitText(By.cssSelector("[data-testid=login-form] h1"), "登录");
    assertThat(browser.js("return document.documentElement.lang")).isEqualTo("zh-CN");
    browser.screenshot("login-zh");
    browser.driver.findElement(By.cssSelector("[data-testid=lang-switch]")).click();
    browser.awaitText(By.cssSelector("[data-testid=login-form] h1"), "Log in");
    browser.driver.findElement(By.cssSelector("a[href='/register']")).click();
    browser.await(By.cssSelector("[data-testid=register-form]"));
    browser.driver.findElement(By.name("username")).sendKeys("carol");
    browser.driver.findElement(By.name("password")).sendKeys("carol-pass-1");
    browser.driver.findElement(By.name("password2")).sendKeys("carol-pass-2");
    browser.driver.findElement(By.cssSelector("[data-testid=register-form] button[type=submit]")).click();
    browser.awaitText(By.cssSelector("[data-testid=register-form] .field-error:not(:empty)"), "passwords differ");
    assertThat(stub.writes).noneMatch(w -> w.startsWith("POST /api/user/register"));
    browser.screenshot("register");
  }

  @Test
  @Order(2)
  void wrongPasswordShowsTheApiMessageUnderTheForm() {
    browser.open("/login");
    browser.await(By.name("username")).sendKeys("root");
    browser.driver.findElement(By.name("password")).sendKeys("wrong-password");
    browser.driver.findElement(By.cssSelector("[data-testid=login-submit]")).click();
    browser.awaitText(By.cssSelector("[data-testid=form-message]"), "用户名或密码错误");
    assertThat(browser.driver.getCurrentUrl()).endsWith("/login");
  }

  @Test
  @Order(3)
  void rootChangesTheInitialPasswordFirst() throws Exception {
    login("root", rootPassword);
    browser.awaitPath("/account");
    assertThat(browser.await(By.cssSelector(".banner.warn")).getText()).contains("initial root password");
    browser.screenshot("account");
    WebElement pw = browser.await(By.name("password"));
    pw.sendKeys("short");
    browser.driver.findElement(By.cssSelector("[data-testid=account-form] button[type=submit]")).click();
    assertThat(browser.await(By.cssSelector("[data-testid=account-form] .field-error:not(:empty)")).getText()).isNotBlank();
    pw.clear();
    pw.sendKeys("N3w-root-pass");
    browser.driver.findElement(By.cssSelector("[data-testid=account-form] button[type=submit]")).click();
    browser.awaitPath("/dashboard");
    rootPassword = "N3w-root-pass";
    assertThat(stub.writes).anyMatch(w -> w.startsWith("PUT /api/user/self") && w.contains("N3w-root-pass"));
    browser.await(By.cssSelector("[data-testid=balance]"));
    assertThat(browser.all(By.cssSelector("[data-testid=default-password-banner]"))).isEmpty();
  }

  @Test
  @Order(4)
  void dashboardShowsBalanceUsageAndCharts() throws Exception {
    login("root", rootPassword);
    browser.open("/dashboard");
    assertThat(browser.await(By.cssSelector("[data-testid=balance]")).getText()).isEqualTo("$999999997.53");
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=used-quota]")).getText()).isEqualTo("$2.469134");
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=request-count]")).getText()).isEqualTo("42");
    browser.await(By.cssSelector("[data-testid=chart-per-day] canvas"));
    assertThat(browser.all(By.cssSelector("[data-testid=chart-per-model] .bar-row"))).hasSize(3);
    assertThat(navLinks()).contains("/channel", "/user", "/redemption", "/setting");
    browser.screenshot("dashboard");
  }

  @Test
  @Order(5)
  void channelEditorFillsBaseModelsValidatesMappingAndCreatesOneChannelPerKey() throws Exception {
    login("root", rootPassword);
    browser.open("/channel");
    browser.await(By.cssSelector("[data-testid=channel-table]"));
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=channel-table]")).getText())
        .contains("channel-1", "Auto-disabled", "Zhipu ChatGLM", "$25.00", "1.60 s");
    browser.screenshot("channels");
    browser.driver.findElement(By.cssSelector("[data-testid=add-channel]")).click();
    browser.await(By.cssSelector("[data-testid=channel-form]"));
    new Select(browser.driver.findElement(By.cssSelector("[data-testid=channel-type]"))).selectByValue("16");
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=channel-form]")).getText()).contains("id.secret");
    new Select(browser.driver.findElement(By.cssSelector("[data-testid=channel-type]"))).selectByValue("3");
    assertThat(browser.await(By.name("api_version")).getAttribute("value")).isEqualTo("2024-03-01-preview");
    new Select(browser.driver.findElement(By.cssSelector("[data-testid=channel-type]"))).selectByValue("1");
    browser.driver.findElement(By.name("name")).sendKeys("openai-batch");
    browser.driver.findElement(By.cssSelector("[data-testid=channel-key]")).sendKeys("sk-first\nsk-second\n");
    browser.driver.findElement(By.cssSelector("[data-testid=channel-base-url]")).sendKeys("http://127.0.0.1:9/");
    browser.driver.findElement(By.cssSelector("[data-testid=fill-models]")).click();
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=channel-models]")).getText())
        .contains("gpt-4o-mini", "text-embedding-ada-002", "text-embedding-3-small");
    WebElement mapping = browser.driver.findElement(By.name("model_mapping"));
    mapping.sendKeys("{\"gpt-4\": 4}");
    browser.driver.findElement(By.cssSelector("[data-testid=channel-submit]")).click();
    assertThat(browser.await(By.cssSelector(".field .invalid + .field-error, textarea.invalid ~ .field-error")).getText())
        .contains("JSON object of strings");
    assertThat(stub.writes).noneMatch(w -> w.startsWith("POST /api/channel/"));
    mapping.clear();
    mapping.sendKeys("{\"gpt-4\": \"gpt-4o\"}");
    browser.screenshot("channel-edit");
    browser.driver.findElement(By.cssSelector("[data-testid=channel-submit]")).click();
    browser.awaitPath("/channel");
    browser.awaitText(By.cssSelector("[data-testid=channel-table]"), "openai-batch");
    String post = stub.writes.stream().filter(w -> w.startsWith("POST /api/channel/")).findFirst().orElseThrow();
    assertThat(post).contains("\"type\":1", "sk-first\\nsk-second", "text-embedding-ada-002",
        "\"model_mapping\":\"{\\\"gpt-4\\\":\\\"gpt-4o\\\"}\"", "\"base_url\":\"http://127.0.0.1:9/\"");
    assertThat(browser.all(By.xpath("//td[.='openai-batch' or a='openai-batch']"))).hasSize(2);
    browser.driver.findElement(By.cssSelector("[data-testid=test-1]")).click();
    browser.awaitText(By.id("toasts"), "OK in 0.42s");
  }

  @Test
  @Order(6)
  void tokenCreationShowsTheKeyAndAReadyToPasteSnippet() throws Exception {
    login("root", rootPassword);
    browser.open("/token");
    browser.await(By.cssSelector("[data-testid=token-table]"));
    browser.screenshot("tokens");
    browser.driver.findElement(By.cssSelector("[data-testid=add-token]")).click();
    WebElement name = browser.await(By.cssSelector("[data-testid=token-name]"));
    browser.driver.findElement(By.cssSelector("[data-testid=token-submit]")).click();
    browser.awaitText(By.cssSelector("[data-testid=token-form] [data-testid=form-message]"), "令牌名称过长");
    assertThat(browser.all(By.cssSelector("[data-testid=new-token-key]"))).isEmpty();
    name.sendKeys("fastgpt-prod");
    browser.driver.findElement(By.name("models")).sendKeys("gpt-4o-mini, text-embedding-3-small");
    browser.driver.findElement(By.name("subnet")).sendKeys("10.0.0.0/8");
    browser.driver.findElement(By.cssSelector("[data-testid=token-submit]")).click();
    String key = browser.await(By.cssSelector("[data-testid=new-token-key]")).getText();
    assertThat(key).startsWith("sk-").hasSize(3 + 48);
    String snippet = browser.driver.findElement(By.cssSelector("[data-testid=token-snippet]")).getText();
    assertThat(snippet).isEqualTo("OPENAI_BASE_URL=" + browser.url("/v1") + "\nCHAT_API_KEY=" + key);
    assertThat(stub.writes).anyMatch(w -> w.startsWith("POST /api/token/") && w.contains("\"models\":\"gpt-4o-mini,text-embedding-3-small\"")
        && w.contains("\"subnet\":\"10.0.0.0/8\""));
    browser.screenshot("token-created");
  }

  @Test
  @Order(7)
  void logsFilterPageOnTheServerAndShowTotals() throws Exception {
    login("root", rootPassword);
    browser.open("/log");
    browser.await(By.cssSelector("[data-testid=log-table]"));
    assertThat(browser.all(By.cssSelector("[data-testid=log-table] tbody tr"))).hasSize(10);
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=log-total]")).getText()).endsWith("$0.004212");
    browser.screenshot("logs");
    browser.driver.findElement(By.xpath("//div[@class='pager']/button[2]")).click();
    browser.awaitPath("/log?");
    new org.openqa.selenium.support.ui.WebDriverWait(browser.driver, java.time.Duration.ofSeconds(10))
        .until(d -> d.findElements(By.cssSelector("[data-testid=log-table] tbody tr")).size() == 4);
    assertThat(browser.driver.getCurrentUrl()).containsPattern("[?&]p=1");
    new Select(browser.driver.findElement(By.name("type"))).selectByValue("1");
    browser.driver.findElement(By.cssSelector("[data-testid=log-filters] button[type=submit]")).click();
    new org.openqa.selenium.support.ui.WebDriverWait(browser.driver, java.time.Duration.ofSeconds(10))
        .until(d -> d.findElements(By.cssSelector("[data-testid=log-table] tbody tr")).size() == 1);
    assertThat(browser.driver.getCurrentUrl()).contains("type=1").doesNotContainPattern("[?&]p=");
  }

  @Test
  @Order(8)
  void adminPagesUsersRedemptionsSettingsAndTopUp() throws Exception {
    login("root", rootPassword);
    browser.open("/user");
    browser.awaitText(By.cssSelector("[data-testid=user-table]"), "alice");
    browser.screenshot("users");
    browser.open("/redemption");
    browser.awaitText(By.cssSelector("[data-testid=redemption-table]"), "welcome");
    browser.screenshot("redemptions");
    browser.open("/setting");
    WebElement ratio = browser.await(By.cssSelector("textarea[data-option=ModelRatio]"));
    ratio.clear();
    ratio.sendKeys("{\"gpt-4o-mini\": -1}");
    WebElement section = browser.driver.findElement(By.cssSelector("form[data-section='set.ratios']"));
    section.findElement(By.cssSelector("button[type=submit]")).click();
    assertThat(section.findElement(By.cssSelector(".field-error")).getText()).contains("non-negative");
    ratio.clear();
    ratio.sendKeys("{\"gpt-4o-mini\": 0.1}");
    section.findElement(By.cssSelector("button[type=submit]")).click();
    browser.awaitText(By.cssSelector("form[data-section='set.ratios'] [data-testid=form-message]"), "saved");
    assertThat(stub.option("ModelRatio")).isEqualTo("{\"gpt-4o-mini\":0.1}");
    WebElement auto = browser.driver.findElement(By.cssSelector("input[data-option=AutomaticDisableChannelEnabled]"));
    auto.click();
    browser.driver.findElement(By.cssSelector("form[data-section='set.channels'] button[type=submit]")).click();
    browser.awaitText(By.cssSelector("form[data-section='set.channels'] [data-testid=form-message]"), "saved");
    assertThat(stub.option("AutomaticDisableChannelEnabled")).isEqualTo("true");
    browser.js("window.scrollTo(0, 0)");
    browser.screenshot("settings");
    browser.open("/topup");
    browser.await(By.cssSelector("[data-testid=topup-key]")).sendKeys("fedcba9876543210fedcba9876543210");
    browser.driver.findElement(By.cssSelector("[data-testid=topup-form] button[type=submit]")).click();
    browser.awaitText(By.cssSelector("[data-testid=topup-form] .field-error"), "该兑换码已被使用");
    WebElement key = browser.driver.findElement(By.cssSelector("[data-testid=topup-key]"));
    key.clear();
    key.sendKeys("0123456789abcdef0123456789abcdef");
    browser.driver.findElement(By.cssSelector("[data-testid=topup-form] button[type=submit]")).click();
    browser.awaitText(By.cssSelector("[data-testid=topup-form] [data-testid=form-message]"), "$1");
    browser.screenshot("topup");
  }

  @Test
  @Order(9)
  void commonUserSeesOnlyOwnPagesAndTheApiRefusesTheRest() throws Exception {
    login("alice", "alicepass1");
    assertThat(navLinks()).containsExactly("/dashboard", "/token", "/log", "/topup", "/account");
    browser.open("/channel");
    assertThat(browser.await(By.cssSelector("[data-testid=forbidden]")).getText()).contains("higher role");
    browser.open("/setting");
    browser.await(By.cssSelector("[data-testid=forbidden]"));
    Object refused = browser.asyncJs("const done = arguments[arguments.length - 1];"
        + "fetch('/api/channel/?p=0', {credentials: 'same-origin', headers: {'X-Requested-With': 'XMLHttpRequest'}})"
        + ".then(r => r.json()).then(j => done(j.success + ':' + j.message));");
    assertThat(refused).asString().startsWith("false:").contains("权限不足");
    browser.open("/log");
    browser.await(By.cssSelector("[data-testid=log-table]"));
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=log-table] thead")).getText())
        .doesNotContain("Channel").doesNotContain("User");
    assertThat(browser.driver.findElements(By.name("username"))).isEmpty();
  }

  @Test
  @Order(10)
  void phoneWidthHasNoHorizontalScrollAndAFoldingMenu() throws Exception {
    browser.resize(390, 844);
    browser.open("/login");
    browser.await(By.cssSelector("[data-testid=login-form]"));
    assertNoHorizontalOverflow();
    browser.screenshot("login-phone");
    login("root", rootPassword);
    browser.open("/dashboard");
    browser.await(By.cssSelector("[data-testid=chart-per-day] canvas"));
    assertNoHorizontalOverflow();
    assertThat(browser.driver.findElement(By.cssSelector("nav.links")).isDisplayed()).isFalse();
    browser.driver.findElement(By.cssSelector(".menu-toggle")).click();
    assertThat(browser.driver.findElement(By.cssSelector("nav.links")).isDisplayed()).isTrue();
    browser.screenshot("dashboard-phone");
    browser.open("/channel");
    browser.await(By.cssSelector("[data-testid=channel-table]"));
    assertNoHorizontalOverflow();
    browser.screenshot("channels-phone");
  }

  @Test
  @Order(11)
  void editsSendPartialUpdatesWithoutTouchingKeys() throws Exception {
    login("root", rootPassword);
    browser.open("/channel/edit/1");
    WebElement name = browser.await(By.name("name"));
    assertThat(name.getAttribute("value")).isEqualTo("channel-1");
    assertThat(browser.driver.findElement(By.name("model_mapping")).getAttribute("value")).contains("\"gpt-4\": \"gpt-4o\"");
    assertThat(browser.driver.findElement(By.name("key")).getAttribute("placeholder")).contains("keep");
    WebElement priority = browser.driver.findElement(By.name("priority"));
    priority.clear();
    priority.sendKeys("7");
    browser.driver.findElement(By.cssSelector("[data-testid=channel-submit]")).click();
    browser.awaitPath("/channel");
    String update = stub.writes.stream().filter(w -> w.startsWith("PUT /api/channel/ ")).reduce((a, b) -> b).orElseThrow();
    assertThat(update).contains("\"id\":1", "\"priority\":7").doesNotContain("\"key\"");

    browser.open("/token");
    browser.await(By.cssSelector("[data-testid=token-table]"));
    WebElement row = browser.driver.findElement(By.xpath("//table[@data-testid='token-table']//tr[td[1]='fastgpt']"));
    row.findElement(By.xpath(".//button[normalize-space(.)='Disable']")).click();
    browser.awaitText(By.xpath("//table[@data-testid='token-table']//tr[td[1]='fastgpt']"), "Disabled");
    assertThat(stub.writes).anyMatch(w -> w.startsWith("PUT /api/token/?status_only=1") && w.contains("\"status\":2"));
    browser.driver.findElement(By.xpath("//table[@data-testid='token-table']//tr[td[1]='fastgpt']//button[normalize-space(.)='Edit']")).click();
    WebElement quota = browser.await(By.cssSelector(".modal input[name=remain_quota]"));
    quota.clear();
    quota.sendKeys("250000");
    assertThat(browser.driver.findElement(By.cssSelector(".modal .hint")).getText()).isEqualTo("≈ $0.5");
    browser.driver.findElement(By.cssSelector(".modal [data-testid=token-submit]")).click();
    new org.openqa.selenium.support.ui.WebDriverWait(browser.driver, java.time.Duration.ofSeconds(10))
        .until(d -> d.findElements(By.cssSelector(".modal")).isEmpty());
    assertThat(stub.writes).anyMatch(w -> w.startsWith("PUT /api/token/ ") && w.contains("\"remain_quota\":250000"));

    browser.open("/user");
    browser.await(By.xpath("//table[@data-testid='user-table']//tr[td[2][starts-with(normalize-space(.),'alice')]]"))
        .findElement(By.xpath(".//button[normalize-space(.)='Edit']")).click();
    WebElement userQuota = browser.await(By.cssSelector(".modal input[name=quota]"));
    userQuota.clear();
    userQuota.sendKeys("1000000");
    new Select(browser.driver.findElement(By.cssSelector(".modal select[name=group]"))).selectByValue("vip");
    browser.driver.findElement(By.cssSelector(".modal button[type=submit]")).click();
    browser.awaitText(By.cssSelector("[data-testid=user-table]"), "$2");
    assertThat(stub.writes).anyMatch(w -> w.startsWith("PUT /api/user/ ") && w.contains("\"quota\":1000000")
        && w.contains("\"group\":\"vip\"") && !w.contains("password"));
  }

  private void assertNoHorizontalOverflow() {
    Object overflow = browser.js("return document.documentElement.scrollWidth - window.innerWidth");
    assertThat(((Number) overflow).intValue()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
  }
}
