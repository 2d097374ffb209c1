package io.onegate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.event.AttemptError;
import io.onegate.common.event.AttemptOutcome;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.event.UsageSink;
import io.onegate.gateway.state.TokenRecord;
import io.onegate.gateway.state.UserRecord;
import io.onegate.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rate bound of refusal error events: per account and per node and minute, the left-out ones counted. */
class RefusalLogTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:05Z"));
  private final List<UsageEvent> events = new ArrayList<>();
  private final RefusalLog log = new RefusalLog(new UsageSink() {
    @Override
    public void usage(UsageEvent event) {
      events.add(event);
    }

    @Override
    public void outcome(AttemptOutcome outcome) {
      throw new AssertionError("a refusal has no attempt");
    }
  }, clock);

  private static RelayContext refusedBy(int userId) {
    TokenRecord token = new TokenRecord(userId * 10, userId, "k" + userId, TokenRecord.EXHAUSTED, "t" + userId, -1,
        0, false, Set.of(), List.of(), "", 0);
    UserRecord user = new UserRecord(userId, "user" + userId, 1, 1, 0, "default", 0);
    return RelayContext.start("req-" + userId, null, null, null, null, null, null, null, null)
        .withCaller(new Caller(token, user, 0));
  }

  @Test
  void atMostTwentyRefusalsOfAnAccountAMinuteAndTheNextCountsTheOnesLeftOut() {
    for (int i = 0; i < 25; i++) {
      log.refused(refusedBy(1), GatewayError.TOKEN_QUOTA_EXHAUSTED, new Object[] {"t1"});
    }
    assertThat(events).hasSize(RefusalLog.PER_USER_PER_MINUTE);
    UsageEvent first = events.get(0);
    assertThat(first.type()).isEqualTo(UsageEvent.TYPE_ERROR);
    assertThat(first.quota()).isZero();
    assertThat(first.userId()).isEqualTo(1);
    assertThat(first.tokenId()).isEqualTo(10);
    assertThat(first.status()).isEqualTo("refused");
    assertThat(first.errors()).singleElement().satisfies(e -> {
      assertThat(e.failureClass()).isEqualTo(AttemptError.REFUSED);
      assertThat(e.httpStatus()).isEqualTo(401);
      assertThat(e.code()).isEqualTo("token_quota_exhausted");
      assertThat(e.message()).isEqualTo("This API key's quota is used up (key t1)");
    });
    assertThat(log.refused(refusedBy(2), GatewayError.USER_DISABLED, new Object[0]))
        .as("another account has its own budget").isTrue();

    clock.advance(Duration.ofMinutes(1));
    events.clear();
    log.refused(refusedBy(1), GatewayError.TOKEN_QUOTA_EXHAUSTED, new Object[] {"t1"});
    assertThat(events).singleElement().satisfies(e -> assertThat(e.errors().get(0).message())
        .contains("(5 earlier refusals of this account not logged"));
  }

  @Test
  void atMostSixHundredANodeAMinuteAndNoneWithoutAKnownAccountOrAfterAdmission() {
    for (int user = 1; user <= 100; user++) {
      for (int i = 0; i < 7; i++) {
        log.refused(refusedBy(user), GatewayError.MODEL_NOT_ALLOWED, new Object[] {"m"});
      }
    }
    assertThat(events).hasSize(RefusalLog.PER_NODE_PER_MINUTE);
    events.clear();
    clock.advance(Duration.ofMinutes(1));
    assertThat(log.refused(RelayContext.start("anonymous", null, null, null, null, null, null, null, null),
        GatewayError.INVALID_API_KEY, new Object[0])).isFalse();
    assertThat(log.refused(null, GatewayError.MISSING_API_KEY, new Object[0])).isFalse();
    assertThat(events).isEmpty();
  }
}
