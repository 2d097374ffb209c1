package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Settings;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-IP limits with small settings: CRITICAL_RATE_LIMIT (registrations and failed logins, cluster-wide) and
 * GLOBAL_API_RATE_LIMIT (every /api request, per node), both answered 429 with an envelope and Retry-After.
 */
class ApiRateLimitTest {
  private static ApiHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = ApiHarness.start(1, Map.of(Settings.CRITICAL_RATE_LIMIT.name(), "3",
        Settings.GLOBAL_API_RATE_LIMIT.name(), "12", Settings.LOGIN_FAILURE_LIMIT.name(), "100"));
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void loginAttemptsAndApiRequestsPerIpAreLimited() {
    ApiClient c = h.client();
    for (int i = 0; i < 3; i++) {
      ApiClient.Resp r = c.post("/api/user/login", new JsonObject().put("username", "u" + i).put("password", "p"));
      assertThat(RoleMatrixTest.refused(r)).contains("用户名或密码错误");
    }
    ApiClient.Resp critical = c.post("/api/user/login", new JsonObject().put("username", "root")
        .put("password", "123456"));
    assertThat(critical.status()).isEqualTo(429);
    assertThat(critical.success()).isFalse();
    assertThat(critical.message()).contains("too many failed logins from your address 127.0.0.1")
        .contains("TRUSTED_PROXIES");
    assertThat(Long.parseLong(critical.headers().get("Retry-After")))
        .as("until the first failure leaves the 20-minute window").isBetween(1190L, 1200L);
    ApiClient.Resp register = c.post("/api/user/register", new JsonObject().put("username", "someone")
        .put("password", "someonepass"));
    assertThat(register.status()).as("registration shares the critical limit").isEqualTo(429);
    // 5 requests so far; the global limit is 12 per 3 minutes
    for (int i = 0; i < 7; i++) {
      assertThat(c.get("/api/status").status()).as("request " + (6 + i)).isEqualTo(200);
    }
    ApiClient.Resp limited = c.get("/api/status");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.json().getBoolean("success")).isFalse();
    assertThat(limited.message()).contains("GLOBAL_API_RATE_LIMIT");
    long retryAfter = Long.parseLong(limited.headers().get("Retry-After"));
    assertThat(retryAfter).as("until the first of the 12 requests leaves the 180 s window").isBetween(170L, 180L);
  }
}
