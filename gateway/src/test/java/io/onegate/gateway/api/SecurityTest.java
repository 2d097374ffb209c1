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
 * Login lock-out by rate limit, tampered/expired/forged session cookies, cross-site request forgery, and channel
 * keys: encrypted in the database, absent from every response and from every log line.
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
    h = ApiHarness.start(1, Map.of(Settings.LOGIN_FAILURE_LIMIT.name(), "5"));
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
  void repeatedWrongPasswordsLockTheAccountOutEvenWithTheRightPassword() {
    h.createUser(root, "victim", "rightpass1", Roles.COMMON);
    ApiClient attacker = h.client();
    for (int i = 0; i < 5; i++) {
      ApiClient.Resp r = attacker.post("/api/user/login", new JsonObject().put("username", "victim")
          .put("password", "wrong-" + i));
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.success()).isFalse();
    }
    ApiClient.Resp locked = h.client().post("/api/user/login", new JsonObject().put("username", "victim")
        .put("password", "rightpass1"));
    assertThat(locked.status()).isEqualTo(429);
    assertThat(locked.message()).contains("too many failed logins");
    assertThat(locked.headers().getAll("set-cookie")).isEmpty();
    h.createUser(root, "bystander", "rightpass2", Roles.COMMON);
    assertThat(h.client().post("/api/user/login", new JsonObject().put("username", "bystander")
        .put("password", "rightpass2")).success()).as("other accounts are unaffected").isTrue();
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

  @Test
  void forgedCrossSitePostsAreRefused() {
    ApiClient noHeader = h.root();
    noHeader.csrfHeader = false;
    ApiClient.Resp r = noHeader.post("/api/token/", new JsonObject().put("name", "csrf"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.message()).contains("X-Requested-With");
    ApiClient crossSite = h.root();
    crossSite.extraHeaders.put("Sec-Fetch-Site", "cross-site");
    assertThat(crossSite.post("/api/token/", new JsonObject().put("name", "csrf")).status()).isEqualTo(403);
    ApiClient evilOrigin = h.root();
    evilOrigin.extraHeaders.put("Origin", "https://evil.example");
    assertThat(evilOrigin.put("/api/option/", new JsonObject().put("key", "Notice").put("value", "pwned"))
        .status()).isEqualTo(403);
    assertThat(h.sql("SELECT count(*) FROM tokens WHERE name = 'csrf'").iterator().next().getLong(0)).isZero();
    ApiClient sameOrigin = h.root();
    sameOrigin.extraHeaders.put("Sec-Fetch-Site", "same-origin");
    assertThat(sameOrigin.post("/api/token/", new JsonObject().put("name", "ok")).success()).isTrue();
    assertThat(noHeader.get("/api/user/self").success()).as("reads need no header").isTrue();
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
    assertThat(adminReveal.status()).as("only root reads a key").isEqualTo(403);
    assertThat(adminReveal.raw()).doesNotContain(CHANNEL_KEY);
    ApiClient.Resp reveal = root.get("/api/channel/" + id + "/key");
    assertThat(reveal.obj().getString("key")).isEqualTo(CHANNEL_KEY);
    assertThat(h.sql("SELECT count(*) FROM logs WHERE type = 3 AND content LIKE $1", "%read the key of channel #" + id)
        .iterator().next().getLong(0)).as("reading a key is audited").isEqualTo(1L);
    // key rotation: a key written under an old secret is re-encrypted with the current one
    io.onegate.common.crypto.KeyCipher oldCipher = new io.onegate.common.crypto.KeyCipher("old-crypto-secret-123456");
    h.sql("UPDATE channels SET key = $2 WHERE id = $1", id, oldCipher.encrypt(CHANNEL_KEY));
    assertThat(root.get("/api/channel/" + id).obj().getString("key_masked")).contains("unreadable");
    assertThat(root.post("/api/channel/rekey", new JsonObject().put("old_secret", "wrong-secret-1234567")).status())
        .isEqualTo(400);
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
