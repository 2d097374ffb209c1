package io.onegate.health.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.ChannelStatus;
import io.onegate.common.error.FailureClass;
import io.onegate.common.event.AttemptOutcome;
import io.onegate.health.MutableClock;
import io.onegate.health.policy.Decision.Action;
import io.onegate.health.probe.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class HealthPolicyTest {
  private static final Switches ON = new Switches(true, true, 5);
  private static final Switches DISABLE_OFF = new Switches(false, true, 5);
  // window 50 attempts / 300 s, at least 20 samples, trips at 25 %, cool-down 60 s
  private static final HealthRules RULES = new HealthRules(50, Duration.ofSeconds(300), 20, 0.25,
      Duration.ofSeconds(60));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HealthPolicy policy = new HealthPolicy(RULES, clock);

  private AttemptOutcome outcome(int channel, FailureClass failure, int status, String code) {
    return new AttemptOutcome(1, UUID.randomUUID().toString(), "r", clock.millis(), channel, 1, "gpt-4o", status,
        failure, code, 100, true, "relay");
  }

  /** Feeds a pattern ('.' success, 'x' 500) and returns the index of the first DISABLE, or -1. */
  private int feed(int channel, String pattern, Switches switches) {
    for (int i = 0; i < pattern.length(); i++) {
      boolean failed = pattern.charAt(i) == 'x';
      Decision d = policy.onAttempt(outcome(channel, failed ? FailureClass.TRANSIENT : FailureClass.NONE,
          failed ? 500 : 200, ""), switches);
      clock.advance(Duration.ofMillis(100));
      if (d.action() == Action.DISABLE) {
        return i;
      }
    }
    return -1;
  }

  static Stream<Arguments> deadKeys() {
    return Stream.of(
        // class, status, code
        Arguments.of(FailureClass.INVALID_KEY, 401, "invalid_api_key"),
        Arguments.of(FailureClass.ACCOUNT_DISABLED, 403, "account_deactivated"),
        Arguments.of(FailureClass.QUOTA_EXHAUSTED, 429, "insufficient_quota"));
  }

  @ParameterizedTest
  @MethodSource("deadKeys")
  void deadKeyDisablesAtOnceWithoutWaitingForSamples(FailureClass failure, int status, String code) {
    Decision d = policy.onAttempt(outcome(7, failure, status, code), ON);
    assertThat(d.action()).isEqualTo(Action.DISABLE);
    assertThat(d.honourCooldown()).isFalse();
    assertThat(d.reason()).contains(failure.name()).contains(String.valueOf(status)).contains(code);
  }

  @ParameterizedTest
  @MethodSource("deadKeys")
  void deadKeyDoesNothingWhenAutomaticDisableIsOff(FailureClass failure, int status, String code) {
    assertThat(policy.onAttempt(outcome(7, failure, status, code), DISABLE_OFF).isNone()).isTrue();
  }

  static Stream<Arguments> errorRatePatterns() {
    String thirtyPercent = "..x..x..x.".repeat(5); // 30 % 500s, evenly spread
    return Stream.of(
        // pattern, expected index of the first disable (-1: never)
        Arguments.of("x", -1),                            // a single failure never trips
        Arguments.of("x" + ".".repeat(40), -1),           // one failure among many successes
        Arguments.of("xxxxx", -1),                        // 100 % but under the minimum sample
        Arguments.of("x".repeat(19), -1),                 // still one short of the minimum
        Arguments.of("x".repeat(20), 19),                 // trips exactly at the minimum sample
        Arguments.of(thirtyPercent, 19),                  // 30 % trips, but only at the 20th attempt
        Arguments.of("...x".repeat(15), 19),              // exactly 25 % reaches the threshold
        Arguments.of("....x".repeat(12), -1),             // 20 % stays under 25 %
        Arguments.of("x" + ".".repeat(10) + "xxxx" + ".".repeat(5), 19)); // 5 of 20 = 25 % at the 20th
  }

  @ParameterizedTest
  @MethodSource("errorRatePatterns")
  void errorRateTripsOnlyWithTheMinimumSampleAndAtTheThreshold(String pattern, int expected) {
    assertThat(feed(1, pattern, ON)).isEqualTo(expected);
  }

  @Test
  void errorRateNeverTripsWhenAutomaticDisableIsOff() {
    // One API's ENABLE_METRIC disabled channels even with the switch off; OneGate honours it
    assertThat(feed(1, "x".repeat(60), DISABLE_OFF)).isEqualTo(-1);
  }

  @Test
  void oldAttemptsLeaveTheWindow() {
    feed(1, "x".repeat(15), ON);
    clock.advance(Duration.ofSeconds(301));
    assertThat(feed(1, "x".repeat(19), ON)).as("the 15 old failures no longer count").isEqualTo(-1);
  }

  @Test
  void callerFaultsDoNotCountAgainstTheChannel() {
    for (int i = 0; i < 40; i++) {
      assertThat(policy.onAttempt(outcome(1, FailureClass.BAD_REQUEST, 400, ""), ON).isNone()).isTrue();
      assertThat(policy.onAttempt(outcome(1, FailureClass.CLIENT_ABORTED, 0, ""), ON).isNone()).isTrue();
    }
  }

  @Test
  void staleOutcomesAreIgnored() {
    AttemptOutcome old = new AttemptOutcome(1, "a", "r", clock.millis() - 301_000, 9, 1, "m", 401,
        FailureClass.INVALID_KEY, "invalid_api_key", 5, true, "relay");
    assertThat(policy.onAttempt(old, ON).isNone()).isTrue();
  }

  @Test
  void channelsKnownToBeDisabledAreLeftAlone() {
    policy.statusObserved(3, ChannelStatus.MANUALLY_DISABLED);
    assertThat(policy.onAttempt(outcome(3, FailureClass.INVALID_KEY, 401, "invalid_api_key"), ON).isNone()).isTrue();
    policy.forget(3);
    assertThat(policy.onAttempt(outcome(3, FailureClass.INVALID_KEY, 401, "invalid_api_key"), ON).action())
        .isEqualTo(Action.DISABLE);
  }

  @Test
  void errorRateWaitsForTheCooldownAfterAFlipButADeadKeyDoesNot() {
    policy.statusChanged(1, ChannelStatus.ENABLED); // just re-enabled
    assertThat(feed(1, "x".repeat(40), ON)).as("inside the 60 s cool-down").isEqualTo(-1);
    assertThat(policy.onAttempt(outcome(1, FailureClass.INVALID_KEY, 401, "invalid_api_key"), ON).action())
        .isEqualTo(Action.DISABLE);
    clock.advance(Duration.ofSeconds(60));
    assertThat(feed(1, "x", ON)).as("window still full of failures, cool-down over").isEqualTo(0);
  }

  // ---- scheduled tests ------------------------------------------------------------------------------------

  private static ProbeResult ok(long ms) {
    return ProbeResult.ok(ms, 200, "gpt-4o");
  }

  private static ProbeResult failed(FailureClass failure, int status, String code) {
    return ProbeResult.failed(80, failure, status, code, "x");
  }

  record TestCase(String name, int status, long changedAgoSeconds, ProbeResult result, Switches switches,
                  Action expected) {
  }

  static List<TestCase> testCases() {
    List<TestCase> cases = new ArrayList<>();
    // name, status, last change (s ago; -1 never), result, switches, expected
    cases.add(new TestCase("auto-disabled + pass → enable", 3, 600, ok(120), ON, Action.ENABLE));
    cases.add(new TestCase("manually disabled + pass → never enabled", 2, 600, ok(120), ON, Action.NONE));
    cases.add(new TestCase("auto-disabled + pass, auto-enable off", 3, 600, ok(120),
        new Switches(true, false, 5), Action.NONE));
    cases.add(new TestCase("auto-disabled + pass inside cool-down", 3, 10, ok(120), ON, Action.NONE));
    cases.add(new TestCase("enabled + pass", 1, 600, ok(120), ON, Action.NONE));
    cases.add(new TestCase("enabled + slow (6 s > 5 s)", 1, 600, ok(6000), ON, Action.DISABLE));
    cases.add(new TestCase("enabled + slow, threshold 0 = off", 1, 600, ok(6000), new Switches(true, true, 0),
        Action.NONE));
    cases.add(new TestCase("enabled + timeout", 1, 600, failed(FailureClass.TIMEOUT, 0, ""), ON, Action.DISABLE));
    cases.add(new TestCase("enabled + dead key", 1, 600, failed(FailureClass.INVALID_KEY, 401, "invalid_api_key"),
        ON, Action.DISABLE));
    cases.add(new TestCase("enabled + dead key inside cool-down", 1, 5,
        failed(FailureClass.QUOTA_EXHAUSTED, 429, "insufficient_quota"), ON, Action.DISABLE));
    cases.add(new TestCase("enabled + dead key, auto-disable off", 1, 600,
        failed(FailureClass.INVALID_KEY, 401, ""), DISABLE_OFF, Action.NONE));
    cases.add(new TestCase("enabled + one 500", 1, 600, failed(FailureClass.TRANSIENT, 500, ""), ON, Action.NONE));
    cases.add(new TestCase("auto-disabled + slow pass stays disabled", 3, 600, ok(7000), ON, Action.NONE));
    cases.add(new TestCase("manually disabled + dead key", 2, 600, failed(FailureClass.INVALID_KEY, 401, ""), ON,
        Action.NONE));
    return cases;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("testCases")
  void scheduledTestDecisions(TestCase c) {
    long changedAt = c.changedAgoSeconds() < 0 ? 0 : clock.millis() - c.changedAgoSeconds() * 1000;
    assertThat(policy.onTest(c.status(), changedAt, c.result(), c.switches()).action()).isEqualTo(c.expected());
  }
}
