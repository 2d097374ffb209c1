package io.onegate.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The failures a usage event carries ({@code errors}, added within schema v1): written, read, and optional. */
class UsageEventErrorsTest {
  private static final AttemptError TIMEOUT = new AttemptError(3, 1, "gpt-4o", 504, "TIMEOUT", "upstream_timeout",
      "The upstream did not answer in time (RELAY_TIMEOUT = 5 s)", 5_001);
  private static final AttemptError REFUSED = new AttemptError(0, 0, "", 401, AttemptError.REFUSED,
      "token_quota_exhausted", "This API key's quota is used up (key \"t-1\")", 0);

  private static UsageEvent event(int type, List<AttemptError> errors) {
    return new UsageEvent(UsageEvent.SCHEMA_VERSION, "r-1", 1_795_000_000_000L, type, 7, "alice", 9, "t-1", false, 3,
        1, "default", "gpt-4o", "gpt-4o", 0, 0, 0, 0, false, 321, "failed", 504, "", false, "e", 2, -1, errors);
  }

  @Test
  void failuresRoundTripThroughTheStreamingCodecAndTheJsonObject() {
    UsageEvent e = event(UsageEvent.TYPE_ERROR, List.of(TIMEOUT, REFUSED));
    assertThat(new JsonObject(e.encode())).isEqualTo(e.toJson());
    assertThat(UsageEvent.decode(e.encode())).isEqualTo(e);
    assertThat(UsageEvent.fromJson(e.toJson())).isEqualTo(e);
    assertThat(e.consume()).isFalse();
  }

  @Test
  void anEventWithoutFailuresLeavesTheFieldOutAndAnOlderEventReadsAsNone() {
    UsageEvent e = event(UsageEvent.TYPE_CONSUME, List.of());
    assertThat(e.encode()).doesNotContain("errors");
    JsonObject older = e.toJson();
    assertThat(UsageEvent.decode(older.encode()).errors()).isEmpty();
    assertThat(UsageEvent.decode(older.encode()).consume()).isTrue();
  }

  @Test
  void unknownFieldsOfAFailureAreIgnoredAndLongMessagesCut() {
    JsonObject json = event(UsageEvent.TYPE_ERROR, List.of(TIMEOUT)).toJson();
    json.getJsonArray("errors").getJsonObject(0).put("added_later", new JsonObject().put("x", 1));
    assertThat(UsageEvent.decode(json.encode()).errors()).containsExactly(TIMEOUT);
    AttemptError longOne = new AttemptError(1, 1, "m", 500, "TRANSIENT", "", "x".repeat(2_000), 1);
    assertThat(longOne.message()).hasSize(AttemptError.MAX_MESSAGE);
  }
}
