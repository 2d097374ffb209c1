package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Settings;
import io.onegate.testkit.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 finding 5, lockout as a weapon: failed logins count per account and client address (exponential
 * back-off) and per address (failures only), cluster-wide; the owner's right password from an address without
 * failures still logs in; case variants of a username are other names; the refusals name TRUSTED_PROXIES. The
 * gateway runs behind a "proxy" at 127.0.0.1 (TRUSTED_PROXIES), so X-Forwarded-For sets each client's address.
 */
class LoginAbuseTest {
  private static final int ADDRESS_LIMIT = 10;
  private static ApiHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = ApiHarness.start(1, Map.of(Settings.TRUSTED_PROXIES.name(), "127.0.0.1/32",
        Settings.CRITICAL_RATE_LIMIT.name(), String.valueOf(ADDRESS_LIMIT), Settings.LOGIN_FAILURE_LIMIT.name(), "5"));
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  private static ApiClient from(String address) {
    ApiClient c = h.client();
    c.extraHeaders.put("X-Forwarded-For", address);
    return c;
  }

  private static ApiClient.Resp login(ApiClient c, String username, String password) {
    return c.post("/api/user/login", new JsonObject().put("username", username).put("password", password));
  }

  private static ApiClient loggedIn(String address, String username, String password) {
    ApiClient c = from(address);
    assertThat(login(c, username, password).success()).isTrue();
    return c;
  }

  private static void wrong(ApiClient.Resp r) {
    assertThat(RoleMatrixTest.refused(r)).contains("用户名或密码错误");
  }

  @Test
  void wrongPasswordsFromOneAddressNeverLockTheOwnerOutFromAnother() {
    ApiClient root = loggedIn("192.0.2.1", "root", "123456");
    h.createUser(root, "victim", "rightpass1", Roles.COMMON);
    ApiClient attacker = from("198.51.100.7");
    for (int i = 0; i < 5; i++) {
      wrong(login(attacker, "victim", "wrong-" + i));
    }
    ApiClient.Resp backedOff = login(attacker, "victim", "rightpass1");
    assertThat(backedOff.status()).as("the attacker's address waits, even with the right password").isEqualTo(429);
    assertThat(backedOff.headers().get("Retry-After")).isEqualTo("30");
    assertThat(backedOff.message()).contains("try again in 30 s").contains("other addresses are not affected");
    assertThat(backedOff.headers().getAll("set-cookie")).isEmpty();

    ApiClient owner = from("203.0.113.20");
    ApiClient.Resp mine = login(owner, "victim", "rightpass1");
    assertThat(mine.success()).as("the owner's right password from another address: " + mine.raw()).isTrue();
    assertThat(owner.get("/api/user/self").success()).isTrue();
    assertThat(login(from("2001:db8:1:2::9"), "victim", "rightpass1").success()).as("an IPv6 address").isTrue();
  }

  @Test
  void caseVariantsOfAUsernameAreOtherNamesAndDoNotLockTheAccount() {
    ApiClient root = loggedIn("192.0.2.1", "root", "123456");
    h.createUser(root, "casey", "rightpass2", Roles.COMMON);
    ApiClient guesser = from("198.51.100.8");
    for (String variant : new String[] {"CASEY", "Casey", "Casey", "Casey", "Casey", "Casey"}) {
      wrong(login(guesser, variant, "rightpass2"));
    }
    assertThat(login(guesser, "Casey", "rightpass2").status()).as("the name Casey backs off").isEqualTo(429);
    assertThat(login(guesser, "casey", "rightpass2").success()).as("usernames are case-sensitive: casey is not "
        + "locked by guesses at Casey, even from the same address").isTrue();
    ApiClient composed = from("198.51.100.9");
    String decomposed = "Zoe\u0308"; // NFD: e + combining diaeresis
    assertThat(composed.post("/api/user/register", new JsonObject().put("username", decomposed)
        .put("password", "zoepass123")).success()).as("stored in NFC").isTrue();
    assertThat(h.sql("SELECT count(*) FROM users WHERE username = $1", "Zo\u00eb").iterator().next().getLong(0))
        .isEqualTo(1L);
    assertThat(login(composed, "Zo\u00eb", "zoepass123").success()).as("NFC login").isTrue();
    assertThat(login(composed, decomposed, "zoepass123").success()).as("NFD login: one canonical form").isTrue();
  }

  @Test
  void onlyFailuresCountPerAddressAndTheRefusalTellsToSetTrustedProxies() {
    ApiClient office = from("198.51.100.50"); // many users behind one address
    for (int i = 0; i < ADDRESS_LIMIT * 2; i++) {
      assertThat(login(office, "root", "123456").success()).as("successful login " + i + " does not count").isTrue();
    }
    for (int i = 0; i < ADDRESS_LIMIT; i++) {
      wrong(login(office, "nobody" + i, "wrong-pass"));
    }
    ApiClient.Resp limited = login(office, "root", "123456");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.message()).contains("198.51.100.50").contains("TRUSTED_PROXIES");
    assertThat(Long.parseLong(limited.headers().get("Retry-After"))).isBetween(1100L, 1200L);
    ApiClient.Resp register = office.post("/api/user/register", new JsonObject().put("username", "newbie")
        .put("password", "newbiepass"));
    assertThat(register.status()).as("registrations share the address budget").isEqualTo(429);
    assertThat(register.message()).contains("TRUSTED_PROXIES");
    assertThat(login(from("198.51.100.51"), "root", "123456").success()).as("another address").isTrue();
  }

  @Test
  void concurrentWrongPasswordsAreCountedBeforeTheyAreChecked() {
    ApiClient root = loggedIn("192.0.2.1", "root", "123456");
    h.createUser(root, "racer", "rightpass3", Roles.COMMON);
    int port = h.apps.get(0).port();
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sent.add(h.web.post(port, "127.0.0.1", "/api/user/login").putHeader("X-Forwarded-For", "198.51.100.77")
          .sendJsonObject(new JsonObject().put("username", "racer").put("password", "wrong-" + i)));
    }
    ApiHarness.await(Future.join(sent), 60);
    long checked = sent.stream().filter(f -> f.result().statusCode() == 200).count();
    long refused = sent.stream().filter(f -> f.result().statusCode() == 429).count();
    assertThat(checked).as("passwords checked of 20 concurrent tries").isEqualTo(5);
    assertThat(refused).isEqualTo(15);
  }

  @Test
  void anUnknownAccountBacksOffExactlyLikeAKnownOne() {
    List<String> answers = new ArrayList<>();
    for (String name : new String[] {"root", "no-such-user"}) {
      ApiClient probe = from(name.equals("root") ? "198.51.100.90" : "198.51.100.91");
      for (int i = 0; i < 6; i++) {
        ApiClient.Resp r = login(probe, name, "wrong-pass-" + i);
        answers.add(name + " " + r.status() + " " + r.message().replace(name, "<name>") + " "
            + r.headers().get("Retry-After"));
      }
    }
    assertThat(answers.subList(6, 12)).as("the same answers: nothing tells whether the account exists")
        .isEqualTo(answers.subList(0, 6).stream().map(a -> a.replaceFirst("^root", "no-such-user")).toList());
    assertThat(answers.get(5)).contains(" 429 ");
  }

  @Test
  void theBackOffIsSharedByEveryNodeDoublesAndASuccessClearsIt() {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    var map = h.runtimes.get(0).hazelcast().<String, long[]>getMap(LoginGuard.mapName());
    LoginGuard a = new LoginGuard(map, h.runtimes.get(0).vertx(), clock, 1000, 3);
    LoginGuard b = new LoginGuard(map, h.runtimes.get(0).vertx(), clock, 1000, 3);
    ClientAddress address = ClientAddress.of(new byte[] {(byte) 198, 51, 100, (byte) 200});
    String account = "user:" + Integer.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      LoginGuard node = i % 2 == 0 ? a : b;
      ApiHarness.await(node.admitLogin(address).compose(t -> node.admitAccount(t, account)), 10);
    }
    assertThat(retryAfter(b, address, account)).isEqualTo(30);
    clock.advance(Duration.ofSeconds(30));
    ApiHarness.await(a.admitLogin(address).compose(t -> a.admitAccount(t, account)), 10);
    assertThat(retryAfter(b, address, account)).as("doubled").isEqualTo(60);
    clock.advance(Duration.ofSeconds(60));
    LoginGuard.Attempt ok = ApiHarness.await(b.admitLogin(address), 10);
    ApiHarness.await(b.admitAccount(ok, account).compose(v -> b.succeeded(ok, account)), 10);
    for (int i = 0; i < 3; i++) {
      ApiHarness.await(a.admitLogin(address).compose(t -> a.admitAccount(t, account)), 10);
    }
    assertThat(retryAfter(a, address, account)).as("a success started the count afresh").isEqualTo(30);
  }

  private static long retryAfter(LoginGuard guard, ClientAddress address, String account) {
    try {
      ApiHarness.await(guard.admitLogin(address).compose(t -> guard.admitAccount(t, account)), 10);
      return 0;
    } catch (IllegalStateException e) {
      ApiException refusal = (ApiException) e.getCause().getCause();
      assertThat(refusal.status()).isEqualTo(429);
      return refusal.retryAfterSeconds();
    }
  }
}
