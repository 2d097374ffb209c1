package io.onegate.billing.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.event.UsageEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pure fold of usage events into ledger deltas and pending releases. */
class UsageAggregatorTest {
  private static final String EPOCH = "epoch-now";

  /** An event of {@code quota} for user/token/channel; {@code unlimited} token; reserved in {@code epoch}. */
  private static UsageEvent event(String id, int user, int token, boolean unlimited, int channel, long quota,
                                  String epoch) {
    return new UsageEvent(1, id, 1_764_000_000_000L, UsageEvent.TYPE_CONSUME, user, "u" + user, token, "t" + token,
        unlimited, channel, 1, "default", "gpt-4o-mini", "gpt-4o-mini", 10, 5, quota, 0, false, 100,
        quota == 0 ? "failed" : "success", 200, "", false, epoch);
  }

  private static final List<UsageEvent> EVENTS = List.of(
      event("a", 1, 10, false, 100, 50, EPOCH),   // user 1, limited token 10, channel 100
      event("b", 1, 10, false, 200, 25, EPOCH),   // same user and token, another channel
      event("c", 1, 11, true, 100, 7, EPOCH),     // user 1's unlimited token 11
      event("d", 2, 20, false, 100, 0, EPOCH),    // a failed request: quota 0, still one request
      event("e", 3, 30, false, 300, 40, "epoch-before-a-cold-restart"),
      event("f", 0, 0, false, 0, 9, EPOCH));      // no user, token or channel: counted nowhere

  @Test
  void eachEventCountsOnceForItsUserTokenAndChannelInIdOrder() {
    LedgerDelta delta = UsageAggregator.fold(EVENTS, true);
    assertThat(delta.users()).containsExactly(
        Map.entry(1, new LedgerDelta.UserDelta(82, 3)),
        Map.entry(2, new LedgerDelta.UserDelta(0, 1)),
        Map.entry(3, new LedgerDelta.UserDelta(40, 1)));
    // unlimited tokens accumulate used quota too (One API's Q7 fixed)
    assertThat(delta.tokens()).containsExactly(Map.entry(10, 75L), Map.entry(11, 7L), Map.entry(20, 0L),
        Map.entry(30, 40L));
    assertThat(delta.channels()).containsExactly(Map.entry(100, 57L), Map.entry(200, 25L), Map.entry(300, 40L));
    assertThat(delta.logs()).containsExactlyElementsOf(EVENTS);
  }

  @Test
  void consumeLogsOffLeavesTheLedgerDeltasAsTheyAre() {
    LedgerDelta withLogs = UsageAggregator.fold(EVENTS, true);
    LedgerDelta without = UsageAggregator.fold(EVENTS, false);
    assertThat(without.logs()).isEmpty();
    assertThat(without.users()).isEqualTo(withLogs.users());
    assertThat(without.tokens()).isEqualTo(withLogs.tokens());
    assertThat(without.channels()).isEqualTo(withLogs.channels());
    assertThat(UsageAggregator.fold(List.of(), true).isEmpty()).isTrue();
  }

  @Test
  void anyOrderGivesTheSameTotals() {
    LedgerDelta expected = UsageAggregator.fold(EVENTS, false);
    Random random = new Random(16);
    for (int i = 0; i < 20; i++) {
      List<UsageEvent> shuffled = new ArrayList<>(EVENTS);
      Collections.shuffle(shuffled, random);
      assertThat(UsageAggregator.fold(shuffled, false)).isEqualTo(expected);
    }
  }

  @Test
  void onlyTheCurrentEpochsEventsReleasePendingAndOnlyForLimitedTokens() {
    UsageAggregator.Releases releases = UsageAggregator.releases(EVENTS, EPOCH);
    assertThat(releases.users()).containsExactly(Map.entry(1, 82L), Map.entry(2, 0L));
    assertThat(releases.tokens()).containsExactly(Map.entry(10, 75L), Map.entry(20, 0L));
  }
}
