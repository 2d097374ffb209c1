package io.onegate.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The streaming wire form agrees with the JsonObject form field by field, and refuses what it must. */
class UsageEventCodecTest {
  private static final UsageEvent EVENT = new UsageEvent(1, "req-\"1\"", 1_764_000_000_123L, 2, 7, "bob", 11,
      "tok ✓", true, 3, 14, "vip", "gpt-4o-mini", "gpt-4o-mini-2024", 1234, 56, 789, 1000, true, 850, "success", 200,
      "模型倍率 0.08，补全倍率 4", true, "epoch-1", 3, 4);

  @Test
  void encodesTheSameJsonAsTheObjectForm() {
    assertThat(new JsonObject(EVENT.encode())).isEqualTo(EVENT.toJson());
    assertThat(EVENT.encode()).isEqualTo(EVENT.toJson().encode());
    assertThat(EVENT.encodeUtf8()).isEqualTo(EVENT.encode().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void roundTripsFromStringAndBytes() {
    assertThat(UsageEvent.decode(EVENT.encode())).isEqualTo(EVENT);
    assertThat(UsageEventCodec.decode(EVENT.encode().getBytes(StandardCharsets.UTF_8))).isEqualTo(EVENT);
    assertThat(UsageEventCodec.decode(EVENT.encode())).isEqualTo(UsageEvent.fromJson(EVENT.toJson()));
  }

  @Test
  void ignoresUnknownFieldsAndDefaultsMissingOnes() {
    JsonObject json = new JsonObject().put("request_id", "r").put("user_id", 5).put("quota", 9)
        .put("future", new JsonObject().put("nested", new io.vertx.core.json.JsonArray().add(1).add("x")))
        .put("username", (String) null).put("extra_list", new io.vertx.core.json.JsonArray().add(true));
    UsageEvent e = UsageEventCodec.decode(json.encode());
    assertThat(e).isEqualTo(UsageEvent.fromJson(json));
    assertThat(e.type()).isEqualTo(UsageEvent.TYPE_CONSUME);
    assertThat(e.username()).isEmpty();
    assertThat(e.quota()).isEqualTo(9);
  }

  @Test
  void anEventOfAnOlderGatewayWithoutQuotaGenerationsDecodesAsUnknownGenerations() {
    // what gateways wrote before issue 14 (rolling upgrade): charged as before generations existed
    String older = "{\"v\":1,\"request_id\":\"r-old\",\"ts\":1764000000123,\"type\":2,\"user_id\":7,"
        + "\"token_id\":11,\"token_unlimited\":false,\"quota\":789,\"status\":\"success\","
        + "\"balance_epoch\":\"epoch-1\"}";
    for (UsageEvent e : new UsageEvent[] {UsageEvent.decode(older), UsageEvent.fromJson(new JsonObject(older))}) {
      assertThat(e.userQuotaGeneration()).isEqualTo(UsageEvent.UNKNOWN_GENERATION);
      assertThat(e.tokenQuotaGeneration()).isEqualTo(UsageEvent.UNKNOWN_GENERATION);
      assertThat(e.quota()).isEqualTo(789);
    }
    assertThat(new JsonObject(EVENT.encode()).getLong("user_quota_generation")).isEqualTo(3L);
    assertThat(new JsonObject(EVENT.encode()).getLong("token_quota_generation")).isEqualTo(4L);
  }

  @Test
  void readsANewerVersionDuringARollingUpgrade() {
    UsageEvent e = UsageEvent.decode(new JsonObject().put("v", 2).put("request_id", "r").put("quota", 3)
        .put("added_in_v2", "x").encode());
    assertThat(e.schemaVersion()).isEqualTo(2);
    assertThat(e.quota()).isEqualTo(3);
  }

  @Test
  void refusesWrongTypesAndGarbage() {
    assertThatThrownBy(() -> UsageEvent.decode("{\"request_id\":\"r\",\"quota\":\"12\"}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UsageEvent.decode("{\"request_id\":\"r\",\"quota\":-1}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UsageEvent.decode("{\"request_id\":\"r\",\"quo")).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> UsageEvent.decode("[1,2]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UsageEvent.decode("{\"user_id\":1}")).isInstanceOf(NullPointerException.class);
  }
}
