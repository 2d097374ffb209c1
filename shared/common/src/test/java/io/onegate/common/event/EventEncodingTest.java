package io.onegate.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.error.FailureClass;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The streaming encoders write exactly the fields of {@code toJson()}, and decoding gives the record back. */
class EventEncodingTest {

  @Test
  void usageEventEncodesToItsJsonObjectAndRoundTrips() {
    UsageEvent e = new UsageEvent(UsageEvent.SCHEMA_VERSION, "20261127235959000000001" + "12345678", 1_795_000_000_000L,
        UsageEvent.TYPE_CONSUME, 7, "alice \"quoted\" 名", 9, "t-1", false, 3, 14, "default", "gpt-4o", "gpt-4o-2024",
        12, 34, 5_678, 9_000, true, 321, "success", 200, "模型倍率 0.75，分组倍率 1.00", false, null, 2, -1);
    assertThat(new JsonObject(e.encode())).isEqualTo(e.toJson());
    assertThat(UsageEvent.decode(e.encode())).isEqualTo(e);
  }

  @Test
  void attemptOutcomeEncodesToItsJsonObjectAndRoundTrips() {
    AttemptOutcome o = new AttemptOutcome(AttemptOutcome.SCHEMA_VERSION, "r-0", "r", 1L, 3, 1, "gpt-4o", 429,
        FailureClass.RATE_LIMITED, "rate_limit_exceeded", 12, true, "relay", 20_000);
    assertThat(new JsonObject(o.encode())).isEqualTo(o.toJson());
    assertThat(AttemptOutcome.decode(o.encode())).isEqualTo(o);
  }

  @Test
  void anAttemptOutcomeOfAnOlderGatewayWithoutRetryAfterDecodesWithNone() {
    String older = "{\"v\":1,\"attempt_id\":\"r-0\",\"request_id\":\"r\",\"ts\":1,\"channel_id\":3,"
        + "\"channel_type\":1,\"model\":\"gpt-4o\",\"http_status\":429,\"failure_class\":\"RATE_LIMITED\","
        + "\"error_code\":\"\",\"latency_ms\":12,\"first_attempt\":true,\"source\":\"relay\"}";
    AttemptOutcome o = AttemptOutcome.decode(older);
    assertThat(o.retryAfterMillis()).isZero();
    assertThat(o.failureClass()).isEqualTo(FailureClass.RATE_LIMITED);
  }
}
