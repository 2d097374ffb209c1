package io.onegate.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.cluster.ChannelHold;
import io.onegate.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The node's copy of the holds: a hold is active until its time or until cleared (routing with holds: RouteTest). */
class ChannelHoldViewTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ChannelHoldView view = ChannelHoldView.detached(clock);

  private ChannelHold hold(ChannelHold.Kind kind, int seconds) {
    return new ChannelHold(kind, clock.millis() + seconds * 1000L);
  }

  @Test
  void aHoldEndsAtItsTimeOrWhenCleared() {
    view.put(1, hold(ChannelHold.Kind.COOL_DOWN, 10));
    assertThat(view.held(1)).isTrue();
    clock.advance(Duration.ofSeconds(10));
    assertThat(view.held(1)).isFalse();
    assertThat(view.held(2)).isFalse();
    view.put(2, hold(ChannelHold.Kind.BREAKER_OPEN, 60));
    view.put(2, null);
    assertThat(view.held(2)).isFalse();
  }
}
