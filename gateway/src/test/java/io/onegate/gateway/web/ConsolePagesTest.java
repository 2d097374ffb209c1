package io.onegate.gateway.web;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * Every console page in a real headless Chromium against the real gateway ({@link ConsoleStack}: real
 * PostgreSQL, Kafka and Hazelcast, a health worker for channel tests, a fake OpenAI upstream): what each page
 * sends and shows, checked in the database and through the real /api, role hiding, both languages, phone width.
 * Writes the screenshots in docs/screenshots/. Skipped, with the reason, where Chromium is not installed.
 *
 * <p>Data is seeded through the management API as root; what only the billing and health workers write (consume
 * logs, used quota, response times, balances) is seeded with SQL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsolePagesTest {
  private static final String[] MODELS = {"gpt-4o-mini", "gpt-3.5-turbo", "text-embedding-3-small"};
  private static ConsoleStack stack;
  private static Chromium browser;
  private static String rootPassword = "123456";
  private static int rootId;
  private static int aliceId;
  private static final List<Integer> channels = new ArrayList<>();
  private static String welcomeCode;
  private static String usedCode;

  @BeforeAll
  static void start() throws Exception {
    if (!Chromium.available()) {
      return; // every test then reports itself skipped, saying why
    }
    Config config = ConsoleStack.freshConfig();
    CompletableFuture<ConsoleStack> starting = CompletableFuture.supplyAsync(() -> ConsoleStack.start(config));
    try {
      browser = Chromium.start(config.get(Settings.PORT), "en-US", 1280, 860);
    } finally {
      stack = starting.get(150, TimeUnit.SECONDS);
    }
    seed();
  }

  /** Users, channels, tokens, redemption codes, options, 13 consume logs and an error log, as the pages expect them. */
  private static void seed() {
    rootId = stack.row("SELECT id FROM users WHERE username = 'root'").getInteger(0);
    stack.ok(POST, "/api/user/", new JsonObject().put("username", "alice").put("password", "alicepass1"));
    stack.ok(POST, "/api/user/", new JsonObject().put("username", "bob").put("password", "bobpass123")
        .put("display_name", "Bob").put("role", 10));
    aliceId = stack.row("SELECT id FROM users WHERE username = 'alice'").getInteger(0);

    channels.add(channel(new JsonObject().put("type", 1).put("name", "channel-1").put("key", "sk-upstream-1")
        .put("base_url", stack.upstreamUrl()).put("models", "gpt-3.5-turbo,gpt-4o,gpt-4o-mini,text-embedding-3-small")
        .put("priority", 10).put("weight", 1).put("model_mapping", "{\"gpt-4\":\"gpt-4o\"}")));
    channels.add(channel(new JsonObject().put("type", 1).put("name", "channel-2").put("key", "sk-upstream-2")
        .put("base_url", stack.upstreamUrl()).put("models", "gpt-3.5-turbo,gpt-4o,gpt-4o-mini").put("weight", 2)));
    stack.ok(PUT, "/api/channel/", new JsonObject().put("id", channels.get(1)).put("status", 3));
    channels.add(channel(new JsonObject().put("type", 16).put("name", "channel-3").put("key", "zhipu-id.zhipu-secret")
        .put("models", "glm-4,glm-4v,embedding-2").put("weight", 3)));
    long now = System.currentTimeMillis() / 1000;
    for (int i = 0; i < 3; i++) { // written by the health worker (tests) and the billing worker (balance, usage)
      stack.sql("UPDATE channels SET response_time = $2, balance = $3, balance_updated_time = $4, used_quota = $5 "
          + "WHERE id = $1", channels.get(i), 800 * (i + 1), 12.5 * (i + 1), now - 3600, 400_000L * (i + 1));
    }

    stack.ok(POST, "/api/token/", new JsonObject().put("name", "default").put("unlimited_quota", true));
    stack.ok(POST, "/api/token/", new JsonObject().put("name", "fastgpt").put("remain_quota", 1_000_000));

    welcomeCode = ((JsonArray) stack.ok(POST, "/api/redemption/", new JsonObject().put("name", "welcome")
        .put("quota", 500_000).put("count", 1))).getString(0);
    usedCode = ((JsonArray) stack.ok(POST, "/api/redemption/", new JsonObject().put("name", "used-one")
        .put("quota", 1_000_000).put("count", 1))).getString(0);
    JsonObject redeemed = stack.apiAs(stack.login("alice", "alicepass1"), POST, "/api/user/topup",
        new JsonObject().put("key", usedCode));
    assertThat(redeemed.getBoolean("success")).as(redeemed.encode()).isTrue();
    stack.ok(PUT, "/api/user/", new JsonObject().put("id", aliceId).put("quota", 2_500_000));
    stack.ok(PUT, "/api/option/", new JsonObject().put("key", "ModelRatio")
        .put("value", "{\"gpt-4o-mini\":0.075,\"gpt-3.5-turbo\":0.75}"));

    // what the billing worker writes for relayed requests: consume logs, the user's quota, used quota and count
    for (int i = 0; i < 13; i++) {
      boolean alice = i % 4 == 0;
      stack.sql("INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota, "
              + "prompt_tokens, completion_tokens, channel_id, elapsed_time, is_stream) "
              + "VALUES ($1, $2, 2, $3, $4, 'fastgpt', $5, $6, $7, $8, $9, $10, $11)",
          alice ? aliceId : rootId, now - i * 3000L, "倍率：0.075 × 1 × 4", alice ? "alice" : "root", MODELS[i % 3],
          120L + i * 7, 30 + i, 12 + i, channels.get(i % 3), 300L + i * 40, i % 2 == 0);
    }
    // and an error row (a failed attempt: type 6 with its status and class)
    stack.sql("INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, channel_id, "
            + "elapsed_time, http_status, failure_class) VALUES ($1, $2, 6, $3, 'root', 'fastgpt', 'gpt-4o', $4, 90, "
            + "502, 'TRANSIENT')", rootId, now - 40_000L,
        "502 TRANSIENT upstream_unreachable: The upstream could not be reached: connection refused", channels.get(0));
    stack.sql("UPDATE users SET quota = quota - 1234567, used_quota = 1234567, request_count = 42 WHERE id = $1",
        rootId);
  }

  private static int channel(JsonObject body) {
    return ((JsonObject) stack.ok(POST, "/api/channel/", body)).getJsonArray("ids").getInteger(0);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (stack != null) {
      stack.close();
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

  private void awaitRows(String table, int rows) {
    browser.waiting().until(d -> d.findElements(By.cssSelector("[data-testid=" + table + "] tbody tr")).size() == rows);
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
    WebElement password2 = browser.driver.findElement(By.name("password2"));
    password2.sendKeys("carol-pass-2");
    browser.driver.findElement(By.cssSelector("[data-testid=register-form] button[type=submit]")).click();
    browser.awaitText(By.cssSelector("[data-testid=register-form] .field-error:not(:empty)"), "passwords differ");
    assertThat(stack.count("SELECT count(*) FROM users WHERE username = 'carol'")).isZero();
    browser.screenshot("register");
    password2.clear();
    password2.sendKeys("carol-pass-1");
    browser.driver.findElement(By.cssSelector("[data-testid=register-form] button[type=submit]")).click();
    browser.awaitText(By.cssSelector("[data-testid=register-form] [data-testid=form-message]"), "log in");
    Row carol = stack.row("SELECT role, status FROM users WHERE username = 'carol'");
    assertThat(carol.getInteger("role")).isEqualTo(1);
    assertThat(stack.login("carol", "carol-pass-1")).isNotNull();
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
    assertThat(browser.all(By.cssSelector("[data-testid=logout]"))).isEmpty();
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
    assertThat(stack.row("SELECT password_changed FROM users WHERE id = $1", rootId).getBoolean(0))
        .as("the short password was not sent").isFalse();
    pw.clear();
    pw.sendKeys("N3w-root-pass");
    browser.driver.findElement(By.cssSelector("[data-testid=account-form] button[type=submit]")).click();
    browser.awaitPath("/dashboard");
    rootPassword = "N3w-root-pass";
    browser.await(By.cssSelector("[data-testid=balance]"));
    assertThat(browser.all(By.cssSelector("[data-testid=default-password-banner]"))).isEmpty();
    assertThat(stack.login("root", "N3w-root-pass")).isNotNull();
    assertThat(stack.login("root", "123456")).isNull();
    assertThat(((JsonObject) stack.ok(GET, "/api/status", null)).getBoolean("root_password_is_default")).isFalse();
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
    List<String> bars = browser.all(By.cssSelector("[data-testid=chart-per-model] .bar-row")).stream()
        .map(WebElement::getText).toList();
    // root's 9 of the 13 seeded consume logs: 3 per model, 486 quota each (e.g. 141 + 162 + 183)
    assertThat(bars).hasSize(3).allSatisfy(bar -> assertThat(bar).contains("$0.000972 · 3 requests"));
    assertThat(String.join("\n", bars)).contains("gpt-4o-mini", "gpt-3.5-turbo", "text-embedding-3-small");
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
    assertThat(stack.count("SELECT count(*) FROM channels WHERE name = 'openai-batch'")).isZero();
    mapping.clear();
    mapping.sendKeys("{\"gpt-4\": \"gpt-4o\"}");
    browser.screenshot("channel-edit");
    browser.driver.findElement(By.cssSelector("[data-testid=channel-submit]")).click();
    browser.awaitPath("/channel");
    browser.awaitText(By.cssSelector("[data-testid=channel-table]"), "openai-batch");
    assertThat(browser.all(By.xpath("//td[.='openai-batch' or a='openai-batch']"))).hasSize(2);

    List<String> keys = new ArrayList<>();
    for (Row c : stack.sql("SELECT id, type, status, models, model_mapping, base_url, \"group\" FROM channels "
        + "WHERE name = 'openai-batch' ORDER BY id")) {
      assertThat(c.getInteger("type")).isEqualTo(1);
      assertThat(c.getInteger("status")).isEqualTo(1);
      assertThat(c.getString("models").split(",")).contains("gpt-4o-mini", "text-embedding-ada-002",
          "text-embedding-3-small");
      assertThat(c.getString("model_mapping")).isEqualTo("{\"gpt-4\":\"gpt-4o\"}");
      assertThat(c.getString("base_url")).isEqualTo("http://127.0.0.1:9/");
      assertThat(c.getString("group")).isEqualTo("default");
      keys.add(((JsonObject) stack.ok(GET, "/api/channel/" + c.getInteger("id") + "/key", null)).getString("key"));
    }
    assertThat(keys).containsExactly("sk-first", "sk-second");

    int first = channels.get(0);
    browser.driver.findElement(By.cssSelector("[data-testid=test-" + first + "]")).click();
    browser.awaitText(By.id("toasts"), "channel-1:");
    assertThat(browser.driver.findElement(By.id("toasts")).getText()).containsPattern("channel-1: OK in \\d+\\.\\d\\ds");
    assertThat(stack.upstreamCalls).anyMatch(c -> c.startsWith("POST /v1/chat/completions Bearer sk-upstream-1"));
    assertThat(stack.row("SELECT test_time FROM channels WHERE id = $1", first).getLong(0)).isPositive();
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
    browser.awaitText(By.cssSelector("[data-testid=token-form] [data-testid=form-message]"), "name is required");
    assertThat(browser.all(By.cssSelector("[data-testid=new-token-key]"))).isEmpty();
    long tokensBefore = stack.count("SELECT count(*) FROM tokens");
    name.sendKeys("fastgpt-prod");
    browser.driver.findElement(By.name("models")).sendKeys("gpt-4o-mini, text-embedding-3-small");
    browser.driver.findElement(By.name("subnet")).sendKeys("10.0.0.0/8");
    browser.driver.findElement(By.cssSelector("[data-testid=token-submit]")).click();
    String key = browser.await(By.cssSelector("[data-testid=new-token-key]")).getText();
    assertThat(key).startsWith("sk-").hasSize(3 + 48);
    String snippet = browser.driver.findElement(By.cssSelector("[data-testid=token-snippet]")).getText();
    assertThat(snippet).isEqualTo("OPENAI_BASE_URL=" + browser.url("/v1") + "\nCHAT_API_KEY=" + key);
    assertThat(stack.count("SELECT count(*) FROM tokens")).isEqualTo(tokensBefore + 1);
    Row token = stack.row("SELECT user_id, key_sealed, status, models, subnet, unlimited_quota FROM tokens "
        + "WHERE name = 'fastgpt-prod'");
    assertThat(token.getInteger("user_id")).isEqualTo(rootId);
    assertThat("sk-" + io.onegate.common.crypto.TokenVault.fromConfig(stack.config).open(token.getString("key_sealed")))
        .isEqualTo(key);
    assertThat(token.getInteger("status")).isEqualTo(1);
    assertThat(token.getString("models")).isEqualTo("gpt-4o-mini,text-embedding-3-small");
    assertThat(token.getString("subnet")).isEqualTo("10.0.0.0/8");
    browser.screenshot("token-created");
  }

  @Test
  @Order(7)
  void logsFilterPageOnTheServerAndShowTotals() throws Exception {
    login("root", rootPassword);
    browser.open("/log");
    browser.await(By.cssSelector("[data-testid=log-table]"));
    assertThat(browser.all(By.cssSelector("[data-testid=log-table] tbody tr"))).hasSize(10);
    // the 13 seeded consume logs (type 2): 13 × 120 + 7 × (0 + … + 12) = 2106 quota
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=log-total]")).getText()).endsWith("$0.004212");
    browser.screenshot("logs");
    long all = stack.count("SELECT count(*) FROM logs");
    assertThat(all).as("seeded, top-up, manage and test logs").isGreaterThan(10);
    List<String> secondPage = new ArrayList<>();
    stack.sql("SELECT content FROM logs ORDER BY created_at DESC, id DESC OFFSET 10 LIMIT 10")
        .forEach(r -> secondPage.add(r.getString(0)));
    browser.driver.findElement(By.xpath("//div[@class='pager']/button[2]")).click();
    browser.awaitPath("/log?");
    browser.waiting().until(d -> d.findElements(By.cssSelector("[data-testid=log-table] tbody .content")).stream()
            .map(WebElement::getText).toList().equals(secondPage));
    assertThat(browser.driver.getCurrentUrl()).containsPattern("[?&]p=1");
    new Select(browser.driver.findElement(By.name("type"))).selectByValue("1");
    browser.driver.findElement(By.cssSelector("[data-testid=log-filters] button[type=submit]")).click();
    assertThat(stack.count("SELECT count(*) FROM logs WHERE type = 1")).isEqualTo(1);
    awaitRows("log-table", 1);
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=log-table] tbody")).getText())
        .contains("alice", "通过兑换码充值");
    assertThat(browser.driver.getCurrentUrl()).contains("type=1").doesNotContainPattern("[?&]p=");
    // error rows (type 6) apart from consume rows, with their HTTP status
    new Select(browser.driver.findElement(By.name("type"))).selectByValue("6");
    browser.driver.findElement(By.cssSelector("[data-testid=log-filters] button[type=submit]")).click();
    browser.awaitText(By.cssSelector("[data-testid=log-table] tbody"), "upstream could not be reached");
    awaitRows("log-table", 1);
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=log-table] tbody .badge.status")).getText())
        .isEqualTo("502");
    assertThat(browser.driver.findElements(By.cssSelector("[data-testid=log-table] tbody .badge.type-6"))).hasSize(1);
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=log-table] tbody")).getText())
        .contains("upstream could not be reached");
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
    assertThat(ratio.getAttribute("value")).as("the ratios in effect, built-in ones included")
        .contains("\"gpt-3.5-turbo\": 0.75").contains("\"gpt-4\": 15");
    ratio.clear();
    ratio.sendKeys("{\"gpt-4o-mini\": -1}");
    WebElement section = browser.driver.findElement(By.cssSelector("form[data-section='set.ratios']"));
    section.findElement(By.cssSelector("button[type=submit]")).click();
    assertThat(section.findElement(By.cssSelector(".field-error")).getText()).contains("non-negative");
    assertThat(new JsonObject(option("ModelRatio")).getDouble("gpt-3.5-turbo")).as("unchanged").isEqualTo(0.75);
    ratio.clear();
    ratio.sendKeys("{\"gpt-4o-mini\": 0.1}");
    section.findElement(By.cssSelector("button[type=submit]")).click();
    browser.awaitText(By.cssSelector("form[data-section='set.ratios'] [data-testid=form-message]"), "saved");
    JsonObject ratios = new JsonObject(option("ModelRatio"));
    assertThat(ratios.getDouble("gpt-4o-mini")).isEqualTo(0.1);
    assertThat(ratios.getDouble("gpt-3.5-turbo")).as("back to the built-in ratio").isEqualTo(0.25);
    assertThat(stack.row("SELECT value FROM options WHERE key = 'ModelRatio'").getString(0))
        .as("only what differs from the built-in table is stored").isEqualTo("{\"gpt-4o-mini\":0.1}");
    WebElement auto = browser.driver.findElement(By.cssSelector("input[data-option=AutomaticDisableChannelEnabled]"));
    auto.click();
    browser.driver.findElement(By.cssSelector("form[data-section='set.channels'] button[type=submit]")).click();
    browser.awaitText(By.cssSelector("form[data-section='set.channels'] [data-testid=form-message]"), "saved");
    assertThat(option("AutomaticDisableChannelEnabled")).isEqualTo("true");
    WebElement smtpToken = browser.driver.findElement(By.cssSelector("input[data-option=SMTPToken]"));
    assertThat(smtpToken.getAttribute("value")).as("secrets are never sent to the console").isEmpty();
    assertThat(smtpToken.getAttribute("autocomplete")).isEqualTo("new-password");
    browser.js("window.scrollTo(0, 0)");
    browser.screenshot("settings");

    long quotaBefore = stack.row("SELECT quota FROM users WHERE id = $1", rootId).getLong(0);
    browser.open("/topup");
    browser.await(By.cssSelector("[data-testid=topup-key]")).sendKeys(usedCode);
    browser.driver.findElement(By.cssSelector("[data-testid=topup-form] button[type=submit]")).click();
    browser.awaitText(By.cssSelector("[data-testid=topup-form] .field-error"), "该兑换码已被使用");
    WebElement key = browser.driver.findElement(By.cssSelector("[data-testid=topup-key]"));
    key.clear();
    key.sendKeys(welcomeCode);
    browser.driver.findElement(By.cssSelector("[data-testid=topup-form] button[type=submit]")).click();
    browser.awaitText(By.cssSelector("[data-testid=topup-form] [data-testid=form-message]"), "$1");
    Row code = stack.row("SELECT status, redeemed_by FROM redemptions WHERE key = $1", welcomeCode);
    assertThat(code.getInteger("status")).isEqualTo(3);
    assertThat(code.getInteger("redeemed_by")).isEqualTo(rootId);
    assertThat(stack.row("SELECT quota FROM users WHERE id = $1", rootId).getLong(0)).isEqualTo(quotaBefore + 500_000);
    browser.screenshot("topup");
  }

  /** An option's value as the real GET /api/option/ lists it. */
  private static String option(String key) {
    JsonArray options = (JsonArray) stack.ok(GET, "/api/option/", null);
    return options.stream().map(JsonObject.class::cast).filter(o -> key.equals(o.getString("key")))
        .map(o -> o.getString("value")).findFirst().orElseThrow();
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
        + "fetch('/api/channel/?p=0', {credentials: 'same-origin'})"
        + ".then(r => r.json()).then(j => done(j.success + ':' + j.message));");
    assertThat(refused).asString().startsWith("false:").contains("权限不足");
    browser.open("/log");
    browser.await(By.cssSelector("[data-testid=log-table]"));
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=log-table] thead")).getText())
        .doesNotContain("Channel").doesNotContain("User");
    assertThat(browser.driver.findElements(By.name("username"))).isEmpty();
    String ownLogs = browser.driver.findElement(By.cssSelector("[data-testid=log-table] tbody")).getText();
    assertThat(ownLogs).contains("通过兑换码充值").doesNotContain("created channel");
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
    int first = channels.get(0);
    browser.open("/channel/edit/" + first);
    WebElement name = browser.await(By.name("name"));
    assertThat(name.getAttribute("value")).isEqualTo("channel-1");
    assertThat(browser.driver.findElement(By.name("model_mapping")).getAttribute("value")).contains("\"gpt-4\": \"gpt-4o\"");
    WebElement key = browser.driver.findElement(By.name("key"));
    assertThat(key.getAttribute("placeholder")).contains("keep");
    // not "off", which browsers ignore for password fields: they would fill in the console login as the key
    assertThat(key.getAttribute("autocomplete")).isEqualTo("new-password");
    WebElement priority = browser.driver.findElement(By.name("priority"));
    priority.clear();
    priority.sendKeys("7");
    browser.driver.findElement(By.cssSelector("[data-testid=channel-submit]")).click();
    browser.awaitPath("/channel");
    browser.await(By.cssSelector("[data-testid=channel-table]"));
    JsonObject saved = (JsonObject) stack.ok(GET, "/api/channel/" + first, null);
    assertThat(saved.getLong("priority")).isEqualTo(7);
    assertThat(saved.getString("name")).isEqualTo("channel-1");
    assertThat(saved.getString("models")).isEqualTo("gpt-3.5-turbo,gpt-4o,gpt-4o-mini,text-embedding-3-small");
    assertThat(saved.getString("base_url")).isEqualTo(stack.upstreamUrl());
    assertThat(((JsonObject) stack.ok(GET, "/api/channel/" + first + "/key", null)).getString("key"))
        .isEqualTo("sk-upstream-1");

    browser.open("/token");
    browser.await(By.cssSelector("[data-testid=token-table]"));
    WebElement row = browser.driver.findElement(By.xpath("//table[@data-testid='token-table']//tr[td[1]='fastgpt']"));
    row.findElement(By.xpath(".//button[normalize-space(.)='Disable']")).click();
    browser.awaitText(By.xpath("//table[@data-testid='token-table']//tr[td[1]='fastgpt']"), "Disabled");
    assertThat(stack.row("SELECT status FROM tokens WHERE name = 'fastgpt'").getInteger(0)).isEqualTo(2);
    browser.driver.findElement(By.xpath("//table[@data-testid='token-table']//tr[td[1]='fastgpt']//button[normalize-space(.)='Edit']")).click();
    WebElement quota = browser.await(By.cssSelector(".modal input[name=remain_quota]"));
    quota.clear();
    quota.sendKeys("250000");
    assertThat(browser.driver.findElement(By.cssSelector(".modal .hint")).getText()).isEqualTo("≈ $0.5");
    browser.driver.findElement(By.cssSelector(".modal [data-testid=token-submit]")).click();
    browser.waiting().until(d -> d.findElements(By.cssSelector(".modal")).isEmpty());
    Row token = stack.row("SELECT status, remain_quota, unlimited_quota FROM tokens WHERE name = 'fastgpt'");
    assertThat(token.getLong("remain_quota")).isEqualTo(250_000);
    assertThat(token.getInteger("status")).as("still disabled").isEqualTo(2);
    assertThat(token.getBoolean("unlimited_quota")).isFalse();

    String hashBefore = stack.row("SELECT password FROM users WHERE id = $1", aliceId).getString(0);
    browser.open("/user");
    browser.await(By.xpath("//table[@data-testid='user-table']//tr[td[2][starts-with(normalize-space(.),'alice')]]"))
        .findElement(By.xpath(".//button[normalize-space(.)='Edit']")).click();
    WebElement userQuota = browser.await(By.cssSelector(".modal input[name=quota]"));
    userQuota.clear();
    userQuota.sendKeys("1000000");
    new Select(browser.driver.findElement(By.cssSelector(".modal select[name=group]"))).selectByValue("vip");
    browser.driver.findElement(By.cssSelector(".modal button[type=submit]")).click();
    browser.awaitText(By.xpath("//table[@data-testid='user-table']//tr[td[2][starts-with(normalize-space(.),'alice')]]"
        + "/td[4]"), "$2");
    assertThat(browser.driver.findElement(By.xpath("//table[@data-testid='user-table']//tr[td[2]"
        + "[starts-with(normalize-space(.),'alice')]]/td[4]")).getText()).isEqualTo("$2");
    Row alice = stack.row("SELECT quota, \"group\", password FROM users WHERE id = $1", aliceId);
    assertThat(alice.getLong("quota")).isEqualTo(1_000_000);
    assertThat(alice.getString("group")).isEqualTo("vip");
    assertThat(alice.getString("password")).as("password untouched").isEqualTo(hashBefore);
  }

  @Test
  @Order(12)
  void theChannelEditorListsModelsWithoutAPriceAndRootPricesThemInline() throws Exception {
    stack.ok(PUT, "/api/option/", new JsonObject().put("key", "SelfUseModeEnabled").put("value", "false"));
    login("root", rootPassword);
    browser.open("/channel/add");
    browser.await(By.cssSelector("[data-testid=channel-form]"));
    WebElement custom = browser.driver.findElement(By.cssSelector("input[aria-label='Add a model name']"));
    custom.sendKeys("gpt-4o-mini, qwen2.5:0.5b, my-alias, my-local\n");
    browser.driver.findElement(By.name("model_mapping")).sendKeys("{\"my-alias\": \"gpt-4o-mini\"}");
    By box = By.cssSelector("[data-testid=unpriced-models]");
    browser.waiting().until(d -> unpriced().equals(List.of("qwen2.5:0.5b", "my-local")));
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=unpriced-policy]")).getText())
        .contains("refused").contains("SelfUseModeEnabled");
    browser.screenshot("channel-unpriced");

    // the other policy: served free
    stack.ok(PUT, "/api/option/", new JsonObject().put("key", "SelfUseModeEnabled").put("value", "true"));
    new Select(browser.driver.findElement(By.cssSelector("[data-testid=channel-type]"))).selectByValue("8");
    browser.awaitText(By.cssSelector("[data-testid=unpriced-policy]"), "served free");

    // a ratio for one, a per-call price for the other, right here
    WebElement qwen = browser.driver.findElement(By.cssSelector(".price-row[data-model='qwen2.5:0.5b']"));
    qwen.findElement(By.cssSelector("[data-testid=price-value]")).sendKeys("0.5");
    qwen.findElement(By.cssSelector("[data-testid=set-price]")).click();
    browser.waiting().until(d -> unpriced().equals(List.of("my-local")));
    WebElement local = browser.driver.findElement(By.cssSelector(".price-row[data-model='my-local']"));
    new Select(local.findElement(By.cssSelector("[data-testid=price-kind]"))).selectByValue("ModelPrice");
    local.findElement(By.cssSelector("[data-testid=price-value]")).sendKeys("0.002");
    local.findElement(By.cssSelector("[data-testid=set-price]")).click();
    browser.waiting().until(d -> !d.findElement(box).isDisplayed());
    JsonObject ratios = new JsonObject(stack.row("SELECT value FROM options WHERE key = 'ModelRatio'").getString(0));
    assertThat(ratios.getDouble("qwen2.5:0.5b")).isEqualTo(0.5);
    assertThat(ratios.getDouble("gpt-4o-mini")).as("the earlier edit is kept").isEqualTo(0.1);
    assertThat(new JsonObject(stack.row("SELECT value FROM options WHERE key = 'ModelPrice'").getString(0))
        .getDouble("my-local")).isEqualTo(0.002);
    assertThat(stack.count("SELECT count(*) FROM channels WHERE models LIKE '%qwen2.5%'"))
        .as("nothing saved but the prices").isZero();

    // an admin sees the list but root sets prices
    stack.ok(PUT, "/api/option/", new JsonObject().put("key", "SelfUseModeEnabled").put("value", "false"));
    browser.driver.manage().deleteAllCookies();
    browser.js("localStorage.clear()");
    login("bob", "bobpass123");
    browser.open("/channel/add");
    browser.await(By.cssSelector("[data-testid=channel-form]"));
    browser.driver.findElement(By.cssSelector("input[aria-label='Add a model name']")).sendKeys("bob-model\n");
    browser.waiting().until(d -> unpriced().equals(List.of("bob-model")));
    assertThat(browser.driver.findElement(box).getText()).contains("root user").contains("refused");
    assertThat(browser.all(By.cssSelector("[data-testid=set-price]"))).isEmpty();
  }

  /** The models the channel editor lists as having no price (empty while the list is hidden). */
  private List<String> unpriced() {
    return browser.all(By.cssSelector("[data-testid=unpriced-models]:not([hidden]) .price-row")).stream()
        .map(e -> e.getAttribute("data-model")).toList();
  }

  private void assertNoHorizontalOverflow() {
    Object overflow = browser.js("return document.documentElement.scrollWidth - window.innerWidth");
    assertThat(((Number) overflow).intValue()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
  }
}
