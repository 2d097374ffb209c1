package io.onegate.billing.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.event.AttemptError;
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
    return event(id, user, token, unlimited, channel, quota, epoch, UsageEvent.UNKNOWN_GENERATION);
  }

  /** The same, admitted under quota generation {@code generation} of both the user and the token. */
  private static UsageEvent event(String id, int user, int token, boolean unlimited, int channel, long quota,
                                  String epoch, long generation) {
    return new UsageEvent(1, id, 1_764_000_000_000L, UsageEvent.TYPE_CONSUME, user, "u" + user, token, "t" + token,
        unlimited, channel, 1, "default", "gpt-4o-mini", "gpt-4o-mini", 10, 5, quota, 0, false, 100,
        quota == 0 ? "failed" : "success", 200, "", false, epoch, generation, generation);
  }

  /** The charge of events without a generation only. */
  private static LedgerDelta.Charge legacy(long quota) {
    return new LedgerDelta.Charge(quota, UsageEvent.UNKNOWN_GENERATION, 0);
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
        Map.entry(1, new LedgerDelta.UserDelta(82, 3, legacy(82))),
        Map.entry(2, new LedgerDelta.UserDelta(0, 1, legacy(0))),
        Map.entry(3, new LedgerDelta.UserDelta(40, 1, legacy(40))));
    // unlimited tokens accumulate used quota too (One API's Q7 fixed)
    assertThat(delta.tokens()).containsExactly(Map.entry(10, new LedgerDelta.TokenDelta(75, legacy(75))),
        Map.entry(11, new LedgerDelta.TokenDelta(7, legacy(7))), Map.entry(20, new LedgerDelta.TokenDelta(0, legacy(0))),
        Map.entry(30, new LedgerDelta.TokenDelta(40, legacy(40))));
    assertThat(delta.channels()).containsExactly(Map.entry(100, 57L), Map.entry(200, 25L), Map.entry(300, 40L));
    assertThat(delta.logs()).extracting(LogRow::requestId).containsExactly("a", "b", "c", "d", "e", "f");
    assertThat(delta.logs()).allSatisfy(r -> assertThat(r.type()).isEqualTo(UsageEvent.TYPE_CONSUME));
  }

  @Test
  void failuresBecomeErrorRowsAndAnErrorEventChangesNoBalance() {
    AttemptError timeout = new AttemptError(100, 1, "gpt-4o-mini", 504, "TIMEOUT", "upstream_timeout",
        "The upstream did not answer in time", 30_000);
    AttemptError badRequest = new AttemptError(200, 1, "gpt-4o-mini", 400, "BAD_REQUEST", "context_length_exceeded",
        "too long", 12);
    UsageEvent retried = withErrors(event("g", 1, 10, false, 200, 30, EPOCH), UsageEvent.TYPE_CONSUME,
        List.of(timeout));
    UsageEvent failed = withErrors(event("h", 2, 20, false, 200, 0, EPOCH), UsageEvent.TYPE_ERROR,
        List.of(timeout, badRequest));
    LedgerDelta delta = UsageAggregator.fold(List.of(retried, failed), true);
    assertThat(delta.users()).as("the failed request is no request and charges nothing")
        .containsExactly(Map.entry(1, new LedgerDelta.UserDelta(30, 1, legacy(30))));
    assertThat(delta.tokens()).containsOnlyKeys(10);
    assertThat(delta.channels()).containsExactly(Map.entry(200, 30L));
    assertThat(delta.logs()).extracting(LogRow::requestId, LogRow::type, LogRow::channelId, LogRow::httpStatus,
        LogRow::failureClass, LogRow::quota).containsExactly(
            org.assertj.core.groups.Tuple.tuple("g", UsageEvent.TYPE_ERROR, 100, 504, "TIMEOUT", 0L),
            org.assertj.core.groups.Tuple.tuple("g", UsageEvent.TYPE_CONSUME, 200, 0, "", 30L),
            org.assertj.core.groups.Tuple.tuple("h", UsageEvent.TYPE_ERROR, 100, 504, "TIMEOUT", 0L),
            org.assertj.core.groups.Tuple.tuple("h", UsageEvent.TYPE_ERROR, 200, 400, "BAD_REQUEST", 0L));
    assertThat(delta.logs().get(3).content()).isEqualTo("400 BAD_REQUEST context_length_exceeded: too long");
    assertThat(UsageAggregator.fold(List.of(retried, failed), false).logs())
        .as("LogConsumeEnabled off drops consume rows only").extracting(LogRow::type)
        .containsOnly(UsageEvent.TYPE_ERROR).hasSize(3);
  }

  private static UsageEvent withErrors(UsageEvent e, int type, List<AttemptError> errors) {
    return new UsageEvent(e.schemaVersion(), e.requestId(), e.occurredAtMillis(), type, e.userId(), e.username(),
        e.tokenId(), e.tokenName(), e.tokenUnlimited(), e.channelId(), e.channelType(), e.group(),
        e.requestedModel(), e.upstreamModel(), e.promptTokens(), e.completionTokens(), e.quota(), e.preConsumed(),
        e.stream(), e.latencyMillis(), e.status(), e.httpStatus(), e.content(), e.systemPromptReset(),
        e.balanceEpoch(), e.userQuotaGeneration(), e.tokenQuotaGeneration(), errors);
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
  void usedQuotaCountsEveryGenerationButOnlyTheNewestIsCharged() {
    LedgerDelta delta = UsageAggregator.fold(List.of(
        event("g1", 4, 40, false, 100, 10, EPOCH, 1),   // admitted before an admin set the balance
        event("g2", 4, 40, false, 100, 20, EPOCH, 2),   // admitted after it
        event("g3", 4, 40, false, 100, 5, EPOCH, 2),
        event("g0", 4, 40, false, 100, 3, EPOCH)), true); // an event of the previous schema: charged as before
    assertThat(delta.users().get(4)).isEqualTo(new LedgerDelta.UserDelta(38, 4, new LedgerDelta.Charge(3, 2, 25)));
    assertThat(delta.tokens().get(40)).isEqualTo(new LedgerDelta.TokenDelta(38, new LedgerDelta.Charge(3, 2, 25)));
  }

  @Test
  void onlyTheCurrentEpochsEventsReleasePendingAndOnlyForLimitedTokens() {
    Map<Integer, Long> generations = Map.of(1, 0L, 2, 0L, 3, 0L, 10, 0L, 11, 0L, 20, 0L, 30, 0L);
    UsageAggregator.Releases releases = UsageAggregator.releases(EVENTS, EPOCH, generations, generations);
    assertThat(releases.users()).containsExactly(Map.entry(1, 82L), Map.entry(2, 0L));
    assertThat(releases.tokens()).containsExactly(Map.entry(10, 75L), Map.entry(20, 0L));
  }
}
