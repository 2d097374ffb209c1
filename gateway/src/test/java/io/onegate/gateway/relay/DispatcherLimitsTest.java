package io.onegate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.Channel;
import io.onegate.providers.transport.UpstreamClient;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The deadlines of an attempt: RELAY_TIMEOUT counts from the request's start (every attempt shares it), the
 * first-byte timeout from the attempt's start, a channel's {@code first_byte_timeout} overrides the setting, zero is
 * none, and each deadline is named with its value for the 504's message.
 */
class DispatcherLimitsTest {
  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void stop() {
    VERTX.close();
  }

  private static Channel channel(Map<String, String> config) {
    return new Channel(9, 1, "k", 1, "c", 1, "", List.of("m"), List.of("default"), Map.of(), 0, config, "", "");
  }

  private static Dispatcher dispatcher(long relaySeconds, long firstByteSeconds) {
    return new Dispatcher(new UpstreamClient(VERTX, new UpstreamClient.Settings(Duration.ofSeconds(1),
        Duration.ofSeconds(120), Duration.ofSeconds(relaySeconds), 4, Duration.ofSeconds(firstByteSeconds))),
        null, null);
  }

  @Test
  void theWholeDeadlineCountsFromTheRequestsStartAndTheFirstByteFromTheAttempts() {
    long requestStart = System.nanoTime() - 3_000_000_000L; // a request that started 3 s ago
    long before = System.nanoTime();
    UpstreamClient.Limits limits = dispatcher(5, 2).limits(channel(Map.of()), requestStart);
    assertThat(limits.whole()).isEqualTo(requestStart + 5_000_000_000L);
    assertThat(limits.wholeLimit()).isEqualTo("RELAY_TIMEOUT = 5 s");
    assertThat(limits.firstByte()).isBetween(before + 2_000_000_000L, System.nanoTime() + 2_000_000_000L);
    assertThat(limits.firstByteLimit()).isEqualTo("UPSTREAM_FIRST_BYTE_TIMEOUT = 2 s");
    UpstreamClient.Limits none = dispatcher(0, 0).limits(channel(Map.of()), requestStart);
    assertThat(none.whole()).isEqualTo(UpstreamClient.Limits.NONE);
    assertThat(none.firstByte()).isEqualTo(UpstreamClient.Limits.NONE);
  }

  @Test
  void aChannelsFirstByteTimeoutOverridesTheSettingWhenValid() {
    UpstreamClient.Limits own = dispatcher(0, 0).limits(channel(Map.of("first_byte_timeout", "30")), System.nanoTime());
    assertThat(own.firstByteLimit()).isEqualTo("first_byte_timeout of channel 9 = 30 s");
    assertThat(Dispatcher.firstByteSeconds(channel(Map.of("first_byte_timeout", "0")), 60)).as("0: none").isZero();
    assertThat(Dispatcher.firstByteSeconds(channel(Map.of("first_byte_timeout", "soon")), 60)).isEqualTo(60);
    assertThat(Dispatcher.firstByteSeconds(channel(Map.of("first_byte_timeout", "-1")), 60)).isEqualTo(60);
    assertThat(Dispatcher.firstByteSeconds(channel(Map.of()), 60)).isEqualTo(60);
  }
}
