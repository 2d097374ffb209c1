package io.onegate.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The entry processors behind the login limits, applied to a plain map entry (Hazelcast runs the same code on the
 * partition owner): the exponential back-off of one account from one address and the sliding window per address.
 */
class LoginLimitProcessorsTest {
  private static final FailureBackoff.Rule RULE = new FailureBackoff.Rule(5, 30_000, 900_000,
      Duration.ofDays(1).toMillis());

  private static long run(Map.Entry<String, long[]> entry, com.hazelcast.map.EntryProcessor<String, long[], Long> p) {
    return p.process(entry);
  }

  @Test
  void theBackOffStartsAfterTheFreeFailuresDoublesUpToItsCapAndASuccessClearsIt() {
    Map.Entry<String, long[]> entry = new AbstractMap.SimpleEntry<>("k", null);
    long now = 1_000_000;
    for (int i = 0; i < 5; i++) {
      assertThat(run(entry, FailureBackoff.admit(now, RULE))).as("free attempt " + i).isZero();
    }
    assertThat(run(entry, FailureBackoff.admit(now + 1_000, RULE))).as("30 s after the 5th").isEqualTo(29_000);
    assertThat(entry.getValue()[0]).as("a refused attempt is not counted").isEqualTo(5);
    now += 30_000;
    assertThat(run(entry, FailureBackoff.admit(now, RULE))).as("the 6th try, once the wait is over").isZero();
    assertThat(run(entry, FailureBackoff.admit(now, RULE))).as("then 60 s").isEqualTo(60_000);
    now += 60_000;
    assertThat(run(entry, FailureBackoff.admit(now, RULE))).isZero();
    assertThat(run(entry, FailureBackoff.admit(now, RULE))).as("then 120 s").isEqualTo(120_000);
    for (long expected : new long[] {120_000, 240_000, 480_000, 900_000, 900_000}) {
      now += expected;
      assertThat(run(entry, FailureBackoff.admit(now, RULE))).isZero();
    }
    assertThat(run(entry, FailureBackoff.admit(now, RULE))).as("capped at 15 minutes").isEqualTo(900_000);
    assertThat(run(entry, FailureBackoff.clear(now, RULE))).isZero();
    assertThat(entry.getValue()).as("a success forgets the failures").isNull();
    assertThat(run(entry, FailureBackoff.admit(now, RULE))).isZero();
    assertThat(entry.getValue()[0]).isEqualTo(1);
  }

  @Test
  void failuresAreForgottenADayAfterTheLastAttempt() {
    Map.Entry<String, long[]> entry = new AbstractMap.SimpleEntry<>("k", null);
    for (int i = 0; i < 9; i++) {
      run(entry, FailureBackoff.admit(i * 1_000_000L, RULE));
    }
    long later = 8_000_000L + Duration.ofDays(1).toMillis();
    assertThat(run(entry, FailureBackoff.admit(later, RULE))).isZero();
    assertThat(entry.getValue()).containsExactly(1, later);
  }

  @Test
  void delaysNeverOverflow() {
    assertThat(RULE.delayAfter(4)).isZero();
    assertThat(RULE.delayAfter(5)).isEqualTo(30_000);
    assertThat(RULE.delayAfter(1_000_000)).isEqualTo(900_000);
    assertThat(new FailureBackoff.Rule(1, Long.MAX_VALUE / 2, Long.MAX_VALUE, 1).delayAfter(3))
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void theWindowCountsAdmittedEventsAtOnceRefundsOneAndTellsHowLongToWait() {
    Map.Entry<String, long[]> entry = new AbstractMap.SimpleEntry<>("a", null);
    long window = 1_200_000;
    for (int i = 0; i < 3; i++) {
      assertThat(run(entry, SlidingWindowLimit.admit(1_000 + i, 3, window))).isZero();
    }
    assertThat(run(entry, SlidingWindowLimit.admit(5_000, 3, window))).as("until the first leaves the window")
        .isEqualTo(1_000 + window - 5_000);
    assertThat(run(entry, SlidingWindowLimit.refund(5_000, window, 1_001))).isZero();
    assertThat(entry.getValue()).containsExactly(1_000, 1_002);
    assertThat(run(entry, SlidingWindowLimit.admit(6_000, 3, window))).as("the refunded slot is free").isZero();
    assertThat(run(entry, SlidingWindowLimit.refund(6_000, window, 42))).as("an unknown stamp changes nothing")
        .isZero();
    assertThat(entry.getValue()).containsExactly(1_000, 1_002, 6_000);
    assertThat(run(entry, SlidingWindowLimit.admit(1_000 + window, 3, window))).as("the first left").isZero();
    assertThat(entry.getValue()).containsExactly(1_002, 6_000, 1_000 + window);
  }
}
