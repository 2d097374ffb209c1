package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.onegate.common.config.Settings;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Tampered/expired/forged session cookies (a bad cookie never discards a good one),
 * cross-site request forgery and DNS rebinding (Host allow-list, same-origin writes and state-changing GETs without
 * any custom header), and channel keys: encrypted in the database, absent from every response and from every log
 * line. (Login limits: {@link LoginAbuseTest}.)
 */
class SecurityTest {
  private static final String CHANNEL_KEY = "sk-SECRETchannelKEY-0123456789abcdefXYZ";
  private static ApiHarness h;
  private static ApiClient root;
  private static ListAppender<ILoggingEvent> logs;

  @BeforeAll
  static void start() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logs = new ListAppender<>();
    logs.setContext(context);
    logs.start();
    Logger rootLogger = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLogger.addAppender(logs);
    h = ApiHarness.start(1, Map.of(Settings.LOGIN_FAILURE_LIMIT.name(), "5",
        Settings.ALLOWED_HOSTS.name(), "gate.example.test"));
    root = h.root();
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(logs);
  }

  @Test
  void passwordsBcryptCannotTakeWholeAreRefusedWithAMessageNotA500() {
    String over = "中".repeat(25); // 25 characters, 75 bytes of UTF-8: bcrypt reads at most 72
    ApiClient anonymous = h.client();
    for (String user : new String[] {"root", "no-such-user"}) {
      ApiClient.Resp login = anonymous.post("/api/user/login", new JsonObject().put("username", user)
          .put("password", over));
      assertThat(RoleMatrixTest.refused(login)).as(user).contains("at most 72 bytes");
    }
    ApiClient.Resp exactly72 = anonymous.post("/api/user/login", new JsonObject().put("username", "no-such-user")
        .put("password", "中".repeat(24)));
    assertThat(RoleMatrixTest.refused(exactly72)).as("72 bytes are checked").contains("用户名或密码错误");
    int id = h.createUser(root, "longpass", "longpass12", Roles.COMMON);
    ApiClient user = h.login("longpass", "longpass12");
    for (ApiClient.Resp r : java.util.List.of(
        user.put("/api/user/self", new JsonObject().put("password", over)),
        root.put("/api/user/", new JsonObject().put("id", id).put("password", over)),
        root.post("/api/user/", new JsonObject().put("username", "longpass2").put("password", over)),
        anonymous.post("/api/user/register", new JsonObject().put("username", "longpass3").put("password", over)))) {
      assertThat(RoleMatrixTest.refused(r)).doesNotContain("internal error");
    }
    assertThat(h.login("longpass", "longpass12").get("/api/user/self").success()).as("password unchanged").isTrue();
  }

  @Test
  void textPostgresCannotStoreIsRefusedWithAMessageNamingWhereItIs() {
    long channels = h.sql("SELECT count(*) FROM channels").iterator().next().getLong(0);
    String[][] bodies = {
        {"{\"name\":\"c\",\"type\":1,\"key\":\"k-123\",\"models\":\"gpt-4\",\"other\":\"a\\u0000b\"}", "other"},
        {"{\"name\":\"c\",\"type\":1,\"key\":\"k-123\",\"models\":\"gpt-4\",\"system_prompt\":\"\\u0000\"}",
            "system_prompt"},
        {"{\"name\":\"c\\ud800x\",\"type\":1,\"key\":\"k-123\",\"models\":\"gpt-4\"}", "name"},
        {"{\"name\":\"c\",\"type\":1,\"key\":\"k-123\",\"models\":\"gpt-4\",\"x\\u0000\":1}", "x"},
        {"{\"name\":\"c\",\"type\":1,\"key\":\"k-123\",\"models\":\"gpt-4\",\"deep\":[{\"a\":\"\\udc00\"}]}",
            "deep[0].a"}};
    for (String[] body : bodies) {
      ApiClient.Resp r = root.send(io.vertx.core.http.HttpMethod.POST, "/api/channel/", body[0]);
      assertThat(RoleMatrixTest.refused(r)).as(body[0]).contains(body[1]).containsAnyOf("NUL", "surrogate");
    }
    assertThat(h.sql("SELECT count(*) FROM channels").iterator().next().getLong(0)).isEqualTo(channels);
    for (String path : new String[] {"/api/token/search?keyword=%00", "/api/user/search?keyword=a%00",
        "/api/channel/search?keyword=%00", "/api/log/?username=%00", "/api/log/self/search?keyword=%00"}) {
      assertThat(RoleMatrixTest.refused(root.get(path))).as(path).contains("NUL");
    }
  }

  @Test
  void theSessionCookieIsHttpOnlyStrictAndSigned() {
    ApiClient c = h.client();
    ApiClient.Resp r = c.post("/api/user/login", new JsonObject().put("username", "root").put("password", "123456"));
    String setCookie = r.headers().getAll("set-cookie").stream().filter(s -> s.startsWith("session="))
        .findFirst().orElseThrow();
    assertThat(setCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/");
    assertThat(r.obj().fieldNames()).containsExactlyInAnyOrder("id", "username", "display_name", "role", "status");
  }

  @Test
  void tamperedForgedAndExpiredCookiesAreRefused() {
    ApiClient c = h.root();
    String good = c.cookie;
    assertThat(c.get("/api/user/self").success()).isTrue();
    String[] parts = good.split("\\.");
    char last = good.charAt(good.length() - 1);
    for (String bad : new String[] {
        good.substring(0, good.length() - 1) + (last == 'A' ? 'B' : 'A'),
        parts[0] + ".1000." + parts[2] + "." + parts[3],
        (Integer.parseInt(parts[0]) + 1) + ".100." + parts[2] + "." + parts[3],
        "garbage", ""}) {
      ApiClient forged = h.client();
      forged.cookie = bad;
      ApiClient.Resp r = forged.get("/api/user/self");
      assertThat(r.status()).as(bad).isEqualTo(401);
      assertThat(r.success()).isFalse();
    }
    String secret = h.config.get(Settings.SESSION_SECRET);
    Clock past = Clock.fixed(Instant.now().minus(SessionCodec.MAX_AGE).minus(Duration.ofMinutes(1)), ZoneOffset.UTC);
    ApiClient expired = h.client();
    expired.cookie = new SessionCodec(secret, past).issue(Integer.parseInt(parts[0]), 100);
    ApiClient.Resp r = expired.get("/api/user/self");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.message()).contains("expired");
    ApiClient fresh = h.client();
    fresh.cookie = new SessionCodec(secret, Clock.systemUTC()).issue(Integer.parseInt(parts[0]), 100);
    assertThat(fresh.get("/api/user/self").success()).as("a cookie signed with the shared secret works").isTrue();
  }

  @Test
  void logoutAndPasswordChangesRevokeCopiedCookiesEverywhere() {
    int id = h.createUser(root, "revokee", "revokee123", Roles.COMMON);
    ApiClient browser = h.login("revokee", "revokee123");
    ApiClient thief = h.client();
    thief.cookie = browser.cookie;
    assertThat(thief.get("/api/user/self").success()).isTrue();
    assertThat(browser.get("/api/user/logout").success()).isTrue();
    assertThat(browser.cookie).as("the cookie is cleared").isNull();
    ApiClient.Resp stolen = thief.get("/api/user/self");
    assertThat(stolen.status()).isEqualTo(401);
    assertThat(stolen.message()).contains("signed out");

    browser = h.login("revokee", "revokee123");
    thief.cookie = browser.cookie;
    assertThat(browser.put("/api/user/self", new JsonObject().put("password", "revokee456")).success()).isTrue();
    assertThat(browser.get("/api/user/self").success()).as("the changer keeps a fresh session").isTrue();
    assertThat(thief.get("/api/user/self").status()).isEqualTo(401);

    thief.cookie = browser.cookie;
    assertThat(root.put("/api/user/", new JsonObject().put("id", id).put("password", "revokee789")).success())
        .isTrue();
    assertThat(browser.get("/api/user/self").status()).as("an admin's password reset signs the user out")
        .isEqualTo(401);
    assertThat(h.login("revokee", "revokee789").get("/api/user/self").success()).isTrue();
  }

  private static long tokens(String name) {
    return h.sql("SELECT count(*) FROM tokens WHERE name = $1", name).iterator().next().getLong(0);
  }

  /** A 403 of the same-origin policy, nothing else. */
  private static void crossSite(ApiClient.Resp r, String why) {
    assertThat(r.status()).as(why + ": " + r.raw()).isEqualTo(403);
    assertThat(r.success()).isFalse();
  }

  @Test
  void cookieWritesFromOtherSitesAreRefusedAndSameOriginOnesNeedNoCustomHeader() {
    int port = h.apps.get(0).port();
    ApiClient ui = h.root(); // One API's axios: cookie, Content-Type, same-origin Origin, no X-Requested-With
    assertThat(ui.post("/api/token/", new JsonObject().put("name", "same-origin")).success()).isTrue();
    ApiClient script = h.root();
    script.browser = false; // a cookie script: no Origin, no Sec-Fetch-*: no browser, nothing to forge
    assertThat(script.post("/api/token/", new JsonObject().put("name", "script")).success()).isTrue();

    for (var forged : java.util.List.of(
        Map.of("Sec-Fetch-Site", "cross-site"),
        Map.of("Sec-Fetch-Site", "cross-site", "Origin", "http://127.0.0.1:" + port),
        Map.of("Origin", "https://evil.example"),
        Map.of("Sec-Fetch-Site", "same-site", "Origin", "https://evil.example"),
        Map.of("Origin", "null"),
        Map.of("Origin", "http://localhost:" + (port + 1)),
        Map.of("Origin", "http://127.0.0.1:" + (port + 1)))) {
      ApiClient c = h.root();
      c.extraHeaders.putAll(forged);
      crossSite(c.post("/api/token/", new JsonObject().put("name", "csrf")), forged.toString());
      crossSite(c.put("/api/option/", new JsonObject().put("key", "Notice").put("value", "pwned")), forged.toString());
    }
    ApiClient referer = h.root();
    referer.browser = false;
    referer.extraHeaders.put("Referer", "https://evil.example/page");
    crossSite(referer.post("/api/token/", new JsonObject().put("name", "csrf")), "foreign Referer");
    referer.extraHeaders.put("Referer", "http://127.0.0.1:" + port + "/token");
    assertThat(referer.post("/api/token/", new JsonObject().put("name", "referer")).success()).isTrue();

    ApiClient rebound = h.root(); // DNS rebinding: the browser sees attacker.example as same-origin
    rebound.virtualHost = "attacker.example";
    rebound.extraHeaders.putAll(Map.of("Sec-Fetch-Site", "same-origin", "Origin", "http://attacker.example:" + port));
    ApiClient.Resp foreignHost = rebound.post("/api/token/", new JsonObject().put("name", "csrf"));
    crossSite(foreignHost, "foreign Host");
    assertThat(foreignHost.message()).contains("attacker.example").contains("ALLOWED_HOSTS");
    crossSite(rebound.get("/api/user/self"), "a cookie read through a foreign Host");

    assertThat(tokens("csrf")).as("no forged write went through").isZero();
    assertThat(h.sql("SELECT count(*) FROM options WHERE key = 'Notice'").iterator().next().getLong(0)).isZero();
    ApiClient reads = h.root();
    reads.extraHeaders.put("Sec-Fetch-Site", "same-origin");
    assertThat(reads.get("/api/user/self").success()).as("same-origin reads").isTrue();

    // an access token is no ambient credential: neither Host nor provenance matter
    String accessToken = h.root().get("/api/user/token").json().getString("data");
    ApiClient byToken = h.client();
    byToken.accessToken = accessToken;
    byToken.virtualHost = "attacker.example";
    byToken.extraHeaders.putAll(Map.of("Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"));
    assertThat(byToken.post("/api/token/", new JsonObject().put("name", "by-token")).success()).isTrue();
  }

  @Test
  void aDnsRebindingLoginIsRefusedAndAllowedHostsLogIn() {
    int port = h.apps.get(0).port();
    JsonObject credentials = new JsonObject().put("username", "root").put("password", "123456");
    for (String host : new String[] {"attacker.example", "gate.example.test.evil.example"}) {
      ApiClient rebound = h.client();
      rebound.virtualHost = host;
      rebound.extraHeaders.putAll(Map.of("Sec-Fetch-Site", "same-origin", "Origin", "http://" + host + ":" + port));
      ApiClient.Resp r = rebound.post("/api/user/login", credentials);
      crossSite(r, host);
      assertThat(r.headers().getAll("set-cookie")).as("no session for " + host).isEmpty();
    }
    ApiClient crossSiteLogin = h.client();
    crossSiteLogin.extraHeaders.put("Origin", "https://evil.example");
    crossSite(crossSiteLogin.post("/api/user/login", credentials), "login CSRF");

    for (String host : new String[] {"localhost", "gate.example.test", "GATE.example.test."}) {
      ApiClient allowed = h.client();
      allowed.virtualHost = host;
      allowed.extraHeaders.put("Origin", "http://" + host + ":" + port);
      assertThat(allowed.post("/api/user/login", credentials).success()).as(host).isTrue();
      assertThat(allowed.get("/api/user/self").success()).as(host).isTrue();
    }
    ApiClient console = h.client();
    console.virtualHost = "console.example.test";
    crossSite(console.post("/api/user/login", credentials), "before ServerAddress names it");
    assertThat(root.put("/api/option/", new JsonObject().put("key", "ServerAddress")
        .put("value", "https://console.example.test")).success()).isTrue();
    assertThat(console.post("/api/user/login", credentials).success()).as("the host of ServerAddress").isTrue();
    assertThat(root.put("/api/option/", new JsonObject().put("key", "ServerAddress").put("value", "")).success())
        .isTrue();
  }

  @Test
  void stateChangingGetsFromOtherSitesAreRefused() {
    int id = h.createUser(root, "getter", "getterpass1", Roles.COMMON);
    ApiClient user = h.login("getter", "getterpass1");
    String first = user.get("/api/user/token").json().getString("data");
    assertThat(first).hasSize(32);
    ApiClient crossSite = user.on(h.client());
    crossSite.extraHeaders.putAll(Map.of("Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "navigate"));
    crossSite(crossSite.get("/api/user/token"), "access-token rotation");
    assertThat(h.sql("SELECT access_token_digest FROM users WHERE id = $1", id).iterator().next().getString(0))
        .as("not rotated").isEqualTo(h.vault().digest(first));
    crossSite(crossSite.get("/api/user/logout"), "logout");
    crossSite(crossSite.get("/api/channel/test"), "test all channels (admin route: refused before the role)");
    assertThat(user.get("/api/user/self").success()).as("still logged in").isTrue();
    ApiClient typed = user.on(h.client()); // typed into the address bar
    typed.extraHeaders.put("Sec-Fetch-Site", "none");
    assertThat(typed.get("/api/user/token").json().getString("data")).isNotEqualTo(first);
    assertThat(crossSite.get("/api/user/self").success()).as("plain reads are not state-changing").isTrue();
    assertThat(user.get("/api/user/logout").success()).isTrue();
    assertThat(user.get("/api/user/self").status()).isEqualTo(401);
  }

  @Test
  void aBadSessionCookieBeforeAGoodOneKeepsTheUserLoggedIn() {
    ApiClient good = h.root();
    String valid = good.cookie;
    String tampered = valid.substring(0, valid.length() - 2) + (valid.endsWith("AA") ? "BB" : "AA");
    for (String bad : new String[] {"garbage", "", tampered, "\"x.y\"", "1.100.0.AAAA"}) {
      ApiClient both = h.client();
      both.extraHeaders.put("Cookie", "session=" + bad + "; lang=en; session=" + valid);
      ApiClient.Resp self = both.get("/api/user/self");
      assertThat(self.success()).as("bad cookie '" + bad + "' first").isTrue();
      assertThat(self.headers().getAll("set-cookie")).as("the good cookie is not cleared").isEmpty();
      assertThat(both.post("/api/token/", new JsonObject().put("name", "two-cookies")).success()).isTrue();
    }
    ApiClient onlyBad = h.client();
    onlyBad.extraHeaders.put("Cookie", "session=garbage; session=" + tampered);
    ApiClient.Resp refused = onlyBad.get("/api/user/self");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.headers().getAll("set-cookie")).anyMatch(c -> c.startsWith("session=;") || c.contains("Max-Age=0"));
  }

  @Test
  void channelKeysAreEncryptedAtRestAndNeverReturnedOrLogged() {
    ApiClient.Resp created = root.post("/api/channel/", new JsonObject().put("name", "secret-ch").put("type", 1)
        .put("key", CHANNEL_KEY).put("models", "gpt-4").put("group", "default"));
    assertThat(created.success()).as(created.raw()).isTrue();
    int id = created.obj().getJsonArray("ids").getInteger(0);
    String stored = h.sql("SELECT key FROM channels WHERE id = $1", id).iterator().next().getString(0);
    assertThat(stored).startsWith("enc:v1:").doesNotContain(CHANNEL_KEY).doesNotContain("SECRET");
    StringBuilder responses = new StringBuilder(created.raw());
    responses.append(root.get("/api/channel/?p=0").raw());
    responses.append(root.get("/api/channel/" + id).raw());
    responses.append(root.get("/api/channel/search?keyword=secret").raw());
    responses.append(root.put("/api/channel/", new JsonObject().put("id", id).put("priority", 3)).raw());
    responses.append(root.put("/api/channel/", new JsonObject().put("id", id).put("status", 2)).raw());
    responses.append(root.get("/api/log/?p=0").raw());
    assertThat(responses.toString()).doesNotContain(CHANNEL_KEY).doesNotContain("SECRETchannel");
    String masked = root.get("/api/channel/" + id).obj().getString("key_masked");
    assertThat(masked).isEqualTo("sk-S****fXYZ");
    // a masked key sent back by an editor keeps the key
    assertThat(root.put("/api/channel/", new JsonObject().put("id", id).put("key", masked)).success()).isTrue();
    h.createUser(root, "chadmin", "chadmin123", Roles.ADMIN);
    ApiClient.Resp adminReveal = h.login("chadmin", "chadmin123").get("/api/channel/" + id + "/key");
    assertThat(RoleMatrixTest.refused(adminReveal)).as("only root reads a key").contains("权限不足");
    assertThat(adminReveal.raw()).doesNotContain(CHANNEL_KEY);
    ApiClient.Resp reveal = root.get("/api/channel/" + id + "/key");
    assertThat(reveal.obj().getString("key")).isEqualTo(CHANNEL_KEY);
    assertThat(h.sql("SELECT count(*) FROM logs WHERE type = 3 AND content LIKE $1", "%read the key of channel #" + id)
        .iterator().next().getLong(0)).as("reading a key is audited").isEqualTo(1L);
    // key rotation: a key written under an old secret is re-encrypted with the current one
    io.onegate.common.crypto.KeyCipher oldCipher = new io.onegate.common.crypto.KeyCipher("old-crypto-secret-123456");
    h.sql("UPDATE channels SET key = $2 WHERE id = $1", id, oldCipher.encrypt(CHANNEL_KEY));
    assertThat(root.get("/api/channel/" + id).obj().getString("key_masked")).contains("unreadable");
    assertThat(RoleMatrixTest.refused(root.post("/api/channel/rekey", new JsonObject().put("old_secret",
        "wrong-secret-1234567")))).contains("nothing was changed");
    ApiClient.Resp rekeyed = root.post("/api/channel/rekey", new JsonObject().put("old_secret",
        "old-crypto-secret-123456"));
    assertThat(rekeyed.json().getInteger("data")).as(rekeyed.raw()).isEqualTo(1);
    assertThat(root.get("/api/channel/" + id + "/key").obj().getString("key")).isEqualTo(CHANNEL_KEY);
    assertThat(h.sql("SELECT key FROM channels WHERE id = $1", id).iterator().next().getString(0))
        .startsWith("enc:v1:").doesNotContain("SECRET");
    assertThat(logs.list).isNotEmpty();
    for (ILoggingEvent event : logs.list) {
      assertThat(event.getFormattedMessage()).doesNotContain(CHANNEL_KEY).doesNotContain("SECRETchannel");
    }
  }
}
