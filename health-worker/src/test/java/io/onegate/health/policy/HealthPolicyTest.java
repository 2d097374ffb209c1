package io.onegate.health.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.ChannelStatus;
import io.onegate.common.error.FailureClass;
import io.onegate.common.event.AttemptOutcome;
import io.onegate.health.policy.Decision.Action;
import io.onegate.health.probe.ProbeResult;
import io.onegate.testkit.MutableClock;
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
  // breaker after 5 transient failures in a row; first probe after 30 s, then 60, 120, capped at 240; holds outlast
  // the probe time by 5 s; a 429 cools down 10 s (retry-after: as asked, at most 60 s)
  private static final HealthRules.Holds HOLDS = new HealthRules.Holds(5, Duration.ofSeconds(30),
      Duration.ofSeconds(240), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60));
  // window 50 attempts / 300 s, at least 20 samples, trips at 25 %, flip cool-down 60 s
  private static final HealthRules RULES = new HealthRules(50, Duration.ofSeconds(300), 20, 0.25,
      Duration.ofSeconds(60), HOLDS);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HealthPolicy policy = new HealthPolicy(RULES, clock);

  private AttemptOutcome outcome(int channel, FailureClass failure, int status, String code) {
    return outcome(channel, failure, status, code, 0);
  }

  private AttemptOutcome outcome(int channel, FailureClass failure, int status, String code, long retryAfterMillis) {
    return new AttemptOutcome(1, UUID.randomUUID().toString(), "r", clock.millis(), channel, 1, "gpt-4o", status,
        failure, code, 100, true, "relay", retryAfterMillis);
  }

  /**
   * Feeds a pattern of relay outcomes and returns the index of the first OPEN_BREAKER, or -1. Never a DISABLE:
   * '.' success, 'x' 500, 't' timeout, 'r' 429, 'b' 400, 'm' 404 (a route or model the upstream lacks), 'a' the
   * client left.
   */
  private int feed(HealthPolicy policy, int channel, String pattern) {
    int opened = -1;
    for (int i = 0; i < pattern.length(); i++) {
      AttemptOutcome o = switch (pattern.charAt(i)) {
        case '.' -> outcome(channel, FailureClass.NONE, 200, "");
        case 'x' -> outcome(channel, FailureClass.TRANSIENT, 500, "");
        case 't' -> outcome(channel, FailureClass.TIMEOUT, 0, "");
        case 'r' -> outcome(channel, FailureClass.RATE_LIMITED, 429, "rate_limit_exceeded");
        case 'b' -> outcome(channel, FailureClass.BAD_REQUEST, 400, "");
        case 'm' -> outcome(channel, FailureClass.MODEL_UNAVAILABLE, 404, "");
        case 'a' -> outcome(channel, FailureClass.CLIENT_ABORTED, 0, "");
        default -> throw new IllegalArgumentException(pattern);
      };
      Decision d = policy.onAttempt(o, ON);
      clock.advance(Duration.ofMillis(100));
      assertThat(d.action()).as("attempt %d of %s", i, pattern).isNotIn(Action.DISABLE, Action.ENABLE);
      if (d.action() == Action.OPEN_BREAKER && opened < 0) {
        opened = i;
      }
    }
    return opened;
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

  static Stream<Arguments> breakerPatterns() {
    String thirtyPercent = "..x..x..x.".repeat(5); // 30 % 500s, evenly spread
    return Stream.of(
        // pattern, expected index of the breaker's opening (-1: never); nothing ever disables
        Arguments.of("x", -1),                            // a single failure never trips
        Arguments.of("xxxx", -1),                         // four in a row: one short
        Arguments.of("xxxxx", 4),                         // five in a row
        Arguments.of("ttttt", 4),                         // timeouts count like 5xx
        Arguments.of("xx.xxx", -1),                       // a success breaks the row
        Arguments.of("xxrxxx", 5),                        // a 429 neither breaks nor extends it
        Arguments.of("xxxx.".repeat(3), -1),              // 80 % but under the minimum sample, never 5 in a row
        Arguments.of(thirtyPercent, 22),                  // 30 %: judged on a failure, the first one past 20
        Arguments.of("...x".repeat(15), 19),              // exactly 25 % reaches the threshold
        Arguments.of("....x".repeat(12), -1),             // 20 % stays under 25 %
        Arguments.of("r".repeat(100), -1),                // 429s never trip (they cool down)
        Arguments.of("b".repeat(100), -1),                // the client's bad requests
        Arguments.of("m".repeat(100), -1),                // a route or model the upstream lacks (issue 14)
        Arguments.of("a".repeat(100), -1),                // clients leaving
        Arguments.of(".".repeat(20) + "m".repeat(5), -1), // the finding: 20 chats, then 5 rerank 404s
        Arguments.of(".........r.x..r...r.x.....", -1),   // the finding: 3 × 429 + 2 × 500 in 25 attempts
        Arguments.of(".x".repeat(10) + "xxxxx", 19));     // 50 % at the minimum sample trips first
  }

  @ParameterizedTest
  @MethodSource("breakerPatterns")
  void onlyTransientFailuresOpenTheBreakerAndNothingDisables(String pattern, int expected) {
    assertThat(feed(policy, 1, pattern)).isEqualTo(expected);
  }

  @Test
  void aRunOfFailuresIsJudgedByWhenTheyHappenedNotByArrival() {
    // two gateway nodes batch their outcomes: node 2's earlier successes arrive between node 1's failures
    long t0 = clock.millis();
    List<Decision> decisions = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      decisions.add(policy.onAttempt(at(1, FailureClass.TRANSIENT, 502, t0 + 100 + i), ON));
      decisions.add(policy.onAttempt(at(1, FailureClass.NONE, 200, t0 + i), ON)); // older: does not break the run
    }
    assertThat(decisions).extracting(Decision::action).contains(Action.OPEN_BREAKER);

    // a success that happened inside the run does break it, even when it arrives late
    HealthPolicy fresh = new HealthPolicy(RULES, clock);
    for (int i = 0; i < 4; i++) {
      assertThat(fresh.onAttempt(at(3, FailureClass.TRANSIENT, 502, t0 + 100 + i), ON).isNone()).isTrue();
    }
    assertThat(fresh.onAttempt(at(3, FailureClass.NONE, 200, t0 + 102), ON).isNone()).isTrue();
    assertThat(fresh.onAttempt(at(3, FailureClass.TRANSIENT, 502, t0 + 104), ON).isNone())
        .as("only the two failures after the success count").isTrue();
  }

  private AttemptOutcome at(int channel, FailureClass failure, int status, long occurredAt) {
    return new AttemptOutcome(1, UUID.randomUUID().toString(), "r", occurredAt, channel, 1, "gpt-4o", status,
        failure, "", 100, true, "relay", 0);
  }

  @Test
  void anOpenBreakerHoldsUntilItsProbeAndAFailedProbeDoublesTheWaitUpToTheCap() {
    feed(policy, 1, "xxxx");
    long now = clock.millis();
    Decision open = policy.onAttempt(outcome(1, FailureClass.TRANSIENT, 502, ""), ON);
    assertThat(open.action()).isEqualTo(Action.OPEN_BREAKER);
    assertThat(open.reason()).contains("5 transient failures in a row").contains("502");
    assertThat(open.probeAtMillis()).isEqualTo(now + 30_000);
    assertThat(open.holdUntilMillis()).as("held while the probe runs").isEqualTo(now + 35_000);
    assertThat(policy.onAttempt(outcome(1, FailureClass.TRANSIENT, 500, ""), ON).isNone())
        .as("already open: no second opening").isTrue();
    assertThat(policy.onAttempt(outcome(1, FailureClass.RATE_LIMITED, 429, "", 1_000), ON).isNone())
        .as("a short cool-down never replaces the open breaker's hold").isTrue();

    List<Long> waits = new ArrayList<>();
    for (int probe = 0; probe < 4; probe++) {
      clock.advance(Duration.ofSeconds(30));
      Decision again = policy.onProbe(1, failed(FailureClass.TRANSIENT, 503, ""), ON);
      assertThat(again.action()).isEqualTo(Action.OPEN_BREAKER);
      assertThat(again.reason()).contains("probe failed");
      waits.add((again.probeAtMillis() - clock.millis()) / 1000);
    }
    assertThat(waits).containsExactly(60L, 120L, 240L, 240L);

    clock.advance(Duration.ofSeconds(240));
    Decision closed = policy.onProbe(1, ok(150), ON);
    assertThat(closed.action()).isEqualTo(Action.CLOSE_BREAKER);
    assertThat(policy.onProbe(1, ok(150), ON).isNone()).as("closed: a late probe changes nothing").isTrue();
    // closed afresh: the next opening waits the first open time again, and needs five new failures
    assertThat(feed(policy, 1, "xxxx")).isEqualTo(-1);
    Decision reopened = policy.onAttempt(outcome(1, FailureClass.TIMEOUT, 0, ""), ON);
    assertThat(reopened.probeAtMillis() - clock.millis()).isEqualTo(30_000);
  }

  @Test
  void aProbeThatCannotBlameTheChannelClosesTheBreakerAndADeadKeyDisables() {
    feed(policy, 1, "xxxxx");
    assertThat(policy.onProbe(1, failed(FailureClass.MODEL_UNAVAILABLE, 0, ""), ON).action())
        .as("no chat model to probe with: traffic decides").isEqualTo(Action.CLOSE_BREAKER);
    feed(policy, 2, "xxxxx");
    assertThat(policy.onProbe(2, failed(FailureClass.RATE_LIMITED, 429, ""), ON).action())
        .as("a 429 means the upstream is up").isEqualTo(Action.CLOSE_BREAKER);
    feed(policy, 3, "xxxxx");
    Decision dead = policy.onProbe(3, failed(FailureClass.INVALID_KEY, 401, "invalid_api_key"), ON);
    assertThat(dead.action()).isEqualTo(Action.DISABLE);
    assertThat(dead.honourCooldown()).isFalse();
    feed(policy, 4, "xxxxx");
    assertThat(policy.onProbe(4, failed(FailureClass.INVALID_KEY, 401, ""), DISABLE_OFF).action())
        .as("dead key with automatic disabling off: stays open").isEqualTo(Action.OPEN_BREAKER);
  }

  @Test
  void breakersAreOffWithAZeroOpenTime() {
    HealthPolicy off = new HealthPolicy(new HealthRules(50, Duration.ofSeconds(300), 20, 0.25,
        Duration.ofSeconds(60), new HealthRules.Holds(5, Duration.ZERO, Duration.ofSeconds(240),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60))), clock);
    assertThat(feed(off, 1, "x".repeat(60))).isEqualTo(-1);
  }

  @Test
  void a429CoolsTheChannelDownForItsRetryAfterOrTheDefaultCapped() {
    long now = clock.millis();
    Decision asked = policy.onAttempt(outcome(1, FailureClass.RATE_LIMITED, 429, "", 20_000), ON);
    assertThat(asked.action()).isEqualTo(Action.COOL_DOWN);
    assertThat(asked.holdUntilMillis()).isEqualTo(now + 20_000);
    assertThat(policy.onAttempt(outcome(1, FailureClass.RATE_LIMITED, 429, "", 5_000), ON).isNone())
        .as("already cooling longer: no second write").isTrue();
    Decision capped = policy.onAttempt(outcome(1, FailureClass.RATE_LIMITED, 429, "", 3_600_000), ON);
    assertThat(capped.holdUntilMillis()).as("capped at 60 s").isEqualTo(now + 60_000);
    assertThat(policy.onAttempt(outcome(2, FailureClass.RATE_LIMITED, 429, "", 0), ON).holdUntilMillis())
        .as("no retry-after: the default").isEqualTo(now + 10_000);

    HealthPolicy off = new HealthPolicy(new HealthRules(50, Duration.ofSeconds(300), 20, 0.25,
        Duration.ofSeconds(60), new HealthRules.Holds(5, Duration.ofSeconds(30), Duration.ofSeconds(240),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ZERO)), clock);
    assertThat(off.onAttempt(outcome(1, FailureClass.RATE_LIMITED, 429, "", 20_000), ON).isNone()).isTrue();
  }

  @Test
  void oldAttemptsLeaveTheWindow() {
    HealthPolicy rateOnly = new HealthPolicy(new HealthRules(50, Duration.ofSeconds(300), 20, 0.25,
        Duration.ofSeconds(60), new HealthRules.Holds(0, Duration.ofSeconds(30), Duration.ofSeconds(240),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60))), clock);
    feed(rateOnly, 1, "x".repeat(15));
    clock.advance(Duration.ofSeconds(301));
    assertThat(feed(rateOnly, 1, "x".repeat(19))).as("the 15 old failures no longer count").isEqualTo(-1);
    assertThat(feed(rateOnly, 1, "x")).isEqualTo(0);
  }

  @Test
  void staleOutcomesAreIgnored() {
    AttemptOutcome old = new AttemptOutcome(1, "a", "r", clock.millis() - 301_000, 9, 1, "m", 401,
        FailureClass.INVALID_KEY, "invalid_api_key", 5, true, "relay", 0);
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
