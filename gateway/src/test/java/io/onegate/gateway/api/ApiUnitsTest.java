package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The management API's pure parts: session signing, key formats, the local limiter and input validation. */
class ApiUnitsTest {

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void sessionsVerifyUntilTheyExpireAndOnlyWithTheSameSecret() {
    MutableClock clock = new MutableClock();
    SessionCodec codec = new SessionCodec("secret-one-0123456789", clock);
    String cookie = codec.issue(42, 10);
    assertThat(codec.verify(cookie)).get().extracting(SessionCodec.Claims::userId, SessionCodec.Claims::role)
        .containsExactly(42, 10);
    assertThat(new SessionCodec("secret-two-0123456789", clock).verify(cookie)).isEmpty();
    assertThat(codec.verify(cookie.replace("42.10.", "42.100."))).isEmpty();
    assertThat(codec.verify(cookie + "x")).isEmpty();
    assertThat(codec.verify("1.2.3")).isEmpty();
    assertThat(codec.verify("a.b.c.d")).isEmpty();
    assertThat(codec.verify("x".repeat(300))).isEmpty();
    clock.now = clock.now.plus(SessionCodec.MAX_AGE).minusSeconds(1);
    assertThat(codec.verify(cookie)).isPresent();
    clock.now = clock.now.plusSeconds(2);
    assertThat(codec.verify(cookie)).isEmpty();
  }

  @Test
  void relayKeysHaveOneApisFormatAndDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 500; i++) {
      String key = TokenKeys.relayKey(random);
      assertThat(key).hasSize(48).matches("[0-9a-zA-Z]{16}[0-9a-fA-F]{32}");
      assertThat(seen.add(key)).isTrue();
    }
    String tail = TokenKeys.relayKey(new SplittableRandom(7)).substring(16);
    String letters = tail.replaceAll("[0-9]", "");
    for (int i = 0; i < letters.length(); i++) {
      assertThat(Character.isUpperCase(letters.charAt(i))).as("every other letter upper-cased").isEqualTo(i % 2 == 1);
    }
    assertThat(TokenKeys.hex(random, 32)).matches("[0-9a-f]{32}");
  }

  @Test
  void theLocalLimiterSlidesItsWindow() {
    MutableClock clock = new MutableClock();
    LocalRateLimiter limiter = new LocalRateLimiter(3, 1000, clock);
    assertThat(limiter.tryAcquire("a")).isTrue();
    clock.now = clock.now.plusMillis(400);
    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("a")).isFalse();
    assertThat(limiter.tryAcquire("b")).isTrue();
    clock.now = clock.now.plusMillis(601);
    assertThat(limiter.tryAcquire("a")).as("the first event left the window").isTrue();
    assertThat(limiter.tryAcquire("a")).isFalse();
    clock.now = clock.now.plus(Duration.ofSeconds(5));
    limiter.sweep();
    assertThat(new LocalRateLimiter(0, 1000, clock).tryAcquire("x")).as("0 turns it off").isTrue();
  }

  @Test
  void subnetsAndModelListsAreValidated() {
    assertThat(TokenRoutes.validSubnets(" 10.0.0.0/8, 192.168.1.1 ,2001:db8::/32,")).isEqualTo(
        "10.0.0.0/8,192.168.1.1,2001:db8::/32");
    for (String bad : new String[] {"10.0.0.0/33", "300.1.1.1", "example.com", "dead.beef", "10.0.0.0/x",
        "10.0.0.0/8/1", "::1/129", "1.2.3"}) {
      assertThatThrownBy(() -> TokenRoutes.validSubnets(bad)).as(bad).isInstanceOf(ApiException.class);
    }
    assertThat(TokenRoutes.validModels(" gpt-4, gpt-4 ,,claude-3 ")).isEqualTo("gpt-4,claude-3");
    assertThatThrownBy(() -> TokenRoutes.validModels("a\u0001b")).isInstanceOf(ApiException.class);
  }

  @Test
  void optionValuesAreCheckedByKind() {
    OptionRoutes.validate("Notice", "anything");
    OptionRoutes.validate("RegisterEnabled", "false");
    OptionRoutes.validate("GroupRatio", "{\"default\":1,\"vip\":0.5}");
    for (String[] bad : new String[][] {{"NoSuchOption", "1"}, {"RegisterEnabled", "yes"},
        {"QuotaForNewUser", "-1"}, {"QuotaForNewUser", "1.5"}, {"SMTPPort", "70000"}, {"QuotaPerUnit", "0"},
        {"GroupRatio", "{\"vip\":\"x\"}"}, {"GroupRatio", "[1]"}, {"ModelRatio", "{\"m\":-1}"}}) {
      assertThatThrownBy(() -> OptionRoutes.validate(bad[0], bad[1])).as(bad[0] + "=" + bad[1])
          .isInstanceOf(ApiException.class);
    }
    assertThat(OptionRoutes.secret("SMTPToken")).isTrue();
    assertThat(OptionRoutes.secret("TurnstileSecretKey")).isTrue();
    assertThat(OptionRoutes.secret("TurnstileSiteKey")).as("public, shown on the login page").isFalse();
    assertThat(OptionRoutes.secret("SystemName")).isFalse();
    assertThat(OptionRoutes.validate("ModelRatio", "{\"gpt-4\": 15, \"mine\": 1}")).as("built-ins are not stored")
        .isEqualTo("{\"mine\":1}");
    assertThat(OptionRoutes.validate("Notice", " as typed ")).isEqualTo(" as typed ");
  }

  @Test
  void aValueEqualToTheOneInEffectIsUnchanged() {
    io.onegate.common.options.Options options = io.onegate.common.options.Options.of(java.util.Map.of(
        "ModelRatio", "{\"mine\":1}", "Notice", "hi"));
    String shown = OptionRoutes.shown("ModelRatio", options);
    assertThat(new JsonObject(shown).getDouble("gpt-4")).as("the effective map").isEqualTo(15.0);
    assertThat(OptionRoutes.unchanged("ModelRatio", new JsonObject(shown).encodePrettily(), options)).isTrue();
    assertThat(OptionRoutes.unchanged("ModelRatio", "{\"mine\":1}", options)).as("built-ins are implied").isTrue();
    assertThat(OptionRoutes.unchanged("ModelRatio", "{\"mine\":2}", options)).isFalse();
    assertThat(OptionRoutes.unchanged("ModelRatio", "{}", options)).as("drops mine").isFalse();
    assertThat(OptionRoutes.unchanged("GroupRatio", "", options)).as("blank means the default groups").isTrue();
    assertThat(OptionRoutes.unchanged("QuotaPerUnit", "500000.00", options)).isTrue();
    assertThat(OptionRoutes.unchanged("QuotaPerUnit", "400000", options)).isFalse();
    assertThat(OptionRoutes.unchanged("SystemName", "OneGate", options)).as("the default").isTrue();
    assertThat(OptionRoutes.unchanged("Notice", "hi ", options)).isFalse();
    assertThat(OptionRoutes.unchanged("RegisterEnabled", "true", options)).isTrue();
  }

  @Test
  void bodiesAreStrictlyTyped() {
    Body body = Body.parse(Buffer.buffer(new JsonObject().put("n", 5).put("s", "x").put("f", 2.0).put("b", true)
        .encode()));
    assertThat(body.integer("n", 0, 10)).contains(5L);
    assertThat(body.integer("f", 0, 10)).as("an integral float is accepted").contains(2L);
    assertThat(body.integer("missing", 0, 10)).isEmpty();
    assertThatThrownBy(() -> body.integer("s", 0, 10)).hasMessageContaining("must be an integer");
    assertThatThrownBy(() -> body.integer("n", 6, 10)).hasMessageContaining("between 6 and 10");
    assertThatThrownBy(() -> body.string("n", 10)).hasMessageContaining("must be a string");
    assertThatThrownBy(() -> body.string("s", 0)).hasMessageContaining("too long");
    assertThatThrownBy(() -> body.bool("s")).hasMessageContaining("true or false");
    assertThatThrownBy(() -> Body.parse(Buffer.buffer("{"))).hasMessageContaining("malformed JSON");
    assertThatThrownBy(() -> Body.parse(Buffer.buffer("[]"))).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> Body.parse(null)).hasMessageContaining("JSON object");
  }
}
