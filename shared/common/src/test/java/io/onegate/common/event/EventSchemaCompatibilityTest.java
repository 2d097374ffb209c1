package io.onegate.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.error.FailureClass;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Rolling upgrades: during a rollout, version N and N+1 of every process read each other's events. The files under
 * {@code src/test/resources/events} are events as written on the wire — by schema version 1 (the first release's
 * writers: the previous version now), by version 1 with fields that version's readers did not know, by version 2
 * (this release's writers: kept unchanged when version 3 comes), and by a later version. Each must decode, unknown
 * fields ignored and missing ones defaulted to the previous behaviour; the current version encodes back to the
 * same bytes.
 */
class EventSchemaCompatibilityTest {

  @Test
  void usageEventsOfThePreviousVersionDecodeWithoutQuotaGenerations() throws IOException {
    String wire = resource("usage-v1.json");
    UsageEvent e = UsageEvent.decode(wire);
    assertThat(e.schemaVersion()).isEqualTo(1);
    assertThat(e.requestId()).isEqualTo("20261204151800123456789012");
    assertThat(e.userId()).isEqualTo(7);
    assertThat(e.quota()).isEqualTo(789);
    assertThat(e.content()).isEqualTo("模型倍率 0.08，补全倍率 4");
    assertThat(e.balanceEpoch()).isEqualTo("epoch-1");
    assertThat(e.userQuotaGeneration()).as("charged as before generations").isEqualTo(UsageEvent.UNKNOWN_GENERATION);
    assertThat(e.tokenQuotaGeneration()).isEqualTo(UsageEvent.UNKNOWN_GENERATION);
    assertThat(UsageEventCodec.decode(wire.getBytes(StandardCharsets.UTF_8))).isEqualTo(e);
  }

  @Test
  void usageEventsOfThisVersionDecodeAndEncodeToTheSameBytes() throws IOException {
    String wire = resource("usage-v2.json");
    UsageEvent e = UsageEvent.decode(wire);
    assertThat(UsageEvent.SCHEMA_VERSION).as("a new version needs usage-v<N>.json as its writer writes it")
        .isEqualTo(2);
    assertThat(e.userQuotaGeneration()).isEqualTo(3);
    assertThat(e.tokenQuotaGeneration()).isEqualTo(UsageEvent.UNKNOWN_GENERATION);
    assertThat(e.encode()).as("the writer of this version writes exactly this").isEqualTo(wire);
    assertThat(e.encodeUtf8()).isEqualTo(wire.getBytes(StandardCharsets.UTF_8));
    assertThat(UsageEventCodec.decode(wire.getBytes(StandardCharsets.UTF_8))).isEqualTo(e);
  }

  @Test
  void usageEventsWithUnknownFieldsDecodeTheKnownOnes() throws IOException {
    UsageEvent e = UsageEvent.decode(resource("usage-v1-unknown-fields.json"));
    assertThat(e.requestId()).isEqualTo("20261204151800123456789013");
    assertThat(e.quota()).isEqualTo(15);
    assertThat(e.promptTokens()).isEqualTo(10);
    assertThat(e.balanceEpoch()).isEqualTo("epoch-1");
  }

  @Test
  void usageEventsOfTheNextVersionDecodeDuringTheRollout() throws IOException {
    UsageEvent e = UsageEvent.decode(resource("usage-v3-next-version.json"));
    assertThat(e.schemaVersion()).isEqualTo(3);
    assertThat(e.quota()).isEqualTo(77);
    assertThat(e.tokenUnlimited()).isTrue();
    assertThat(e.group()).isEqualTo("vip");
  }

  @Test
  void attemptOutcomesOfThePreviousVersionDecodeWithoutRetryAfter() throws IOException {
    AttemptOutcome a = AttemptOutcome.decode(resource("attempt-v1.json"));
    assertThat(a.schemaVersion()).isEqualTo(1);
    assertThat(a.channelId()).isEqualTo(3);
    assertThat(a.failureClass()).isEqualTo(FailureClass.INVALID_KEY);
    assertThat(a.errorCode()).isEqualTo("invalid_api_key");
    assertThat(a.retryAfterMillis()).isZero();
  }

  @Test
  void attemptOutcomesOfThisVersionDecodeAndEncodeToTheSameBytes() throws IOException {
    String wire = resource("attempt-v2.json");
    AttemptOutcome a = AttemptOutcome.decode(wire);
    assertThat(AttemptOutcome.SCHEMA_VERSION).as("a new version needs attempt-v<N>.json as its writer writes it")
        .isEqualTo(2);
    assertThat(a.encode()).isEqualTo(wire);
    assertThat(a.encodeUtf8()).isEqualTo(wire.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void attemptOutcomesWithUnknownOrNullFieldsOrOfTheNextVersionDecode() throws IOException {
    AttemptOutcome extra = AttemptOutcome.decode(resource("attempt-v1-unknown-fields.json"));
    assertThat(extra.success()).isTrue();
    assertThat(extra.firstAttempt()).isFalse();
    assertThat(extra.retryAfterMillis()).as("a null number is absent").isZero();
    AttemptOutcome next = AttemptOutcome.decode(resource("attempt-v3-next-version.json"));
    assertThat(next.schemaVersion()).isEqualTo(3);
    assertThat(next.source()).isEqualTo("test");
    assertThat(next.failureClass()).as("a class this reader does not know").isEqualTo(FailureClass.UNKNOWN);
    assertThat(next.latencyMillis()).isEqualTo(30_000);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = EventSchemaCompatibilityTest.class.getResourceAsStream("/events/" + name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }
}
