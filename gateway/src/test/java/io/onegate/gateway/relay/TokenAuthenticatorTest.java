package io.onegate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onegate.common.domain.Channel;
import io.onegate.common.options.Options;
import io.onegate.common.crypto.TokenVault;
import io.onegate.gateway.state.Snapshot;
import io.onegate.gateway.state.TokenRecord;
import io.onegate.gateway.state.UserRecord;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * AI Proxy compatibility of relay authentication: an administrator's access token is a key (unlimited, token id 0),
 * nobody else's is, and the {@code Aiproxy-Channel} header pins a channel — a disabled one too — for administrators
 * only, like the key suffix.
 */
class TokenAuthenticatorTest {
  private static final String ADMIN_ACCESS = "0123456789abcdef0123456789abcdef";
  private static final String USER_ACCESS = "fedcba9876543210fedcba9876543210";
  private static final Channel ON = channel(5, 1);
  private static final Channel OFF = channel(6, 2);
  private static final TokenVault VAULT = new TokenVault("token-authenticator-test-secret");
  private static final Snapshot SNAPSHOT = Snapshot.of(
      List.of(token(1, "userkey"), token(2, "adminkey")),
      List.of(new UserRecord(1, "user", 1, 1, 1000, "default", 0, VAULT.digest(USER_ACCESS)),
          new UserRecord(2, "admin", 10, 1, 1000, "default", 0, VAULT.digest(ADMIN_ACCESS))),
      List.of(ON, OFF), Options.defaults(), VAULT);
  private final TokenAuthenticator auth = new TokenAuthenticator(Clock.systemUTC());

  private static TokenRecord token(int userId, String key) {
    return new TokenRecord(userId * 10, userId, VAULT.digest(key), TokenRecord.ENABLED, "t" + userId, -1, 0, true, Set.of(),
        List.of(), "", 0);
  }

  private static Channel channel(int id, int status) {
    return new Channel(id, 1, "k", status, "c" + id, 1, "", List.of("m"), List.of("default"), Map.of(), 0, Map.of(),
        "", "");
  }

  @Test
  void anAdministratorsAccessTokenIsAnUnlimitedKeyBilledToTheAdministrator() {
    Caller caller = auth.authenticate(SNAPSHOT, "Bearer " + ADMIN_ACCESS, null, null);
    assertThat(caller.user().id()).isEqualTo(2);
    assertThat(caller.token().id()).isZero();
    assertThat(caller.token().unlimited()).isTrue();
    assertThat(caller.token().name()).isEqualTo(TokenAuthenticator.ACCESS_TOKEN_NAME);
    assertThatThrownBy(() -> auth.authenticate(SNAPSHOT, "Bearer " + USER_ACCESS, null, null))
        .as("only administrators' access tokens").isInstanceOfSatisfying(Refusal.class,
            r -> assertThat(r.error()).isEqualTo(GatewayError.INVALID_API_KEY));
    assertThat(auth.authenticate(SNAPSHOT, "Bearer sk-userkey", null, null).token().id()).isEqualTo(10);
  }

  @Test
  void theAiProxyChannelHeaderPinsForAdministratorsOnlyAndReachesADisabledChannel() {
    assertThat(auth.authenticate(SNAPSHOT, "Bearer " + ADMIN_ACCESS, null, "5").pinnedChannel()).isEqualTo(5);
    assertThat(auth.authenticate(SNAPSHOT, "Bearer sk-adminkey", null, "6").pinnedChannel())
        .as("a disabled channel can be tested").isEqualTo(6);
    assertThatThrownBy(() -> auth.authenticate(SNAPSHOT, "Bearer sk-adminkey-6", null, null))
        .as("the key suffix keeps One API's rule: enabled channels only").isInstanceOfSatisfying(Refusal.class,
            r -> assertThat(r.error()).isEqualTo(GatewayError.PINNED_CHANNEL_UNAVAILABLE));
    assertThatThrownBy(() -> auth.authenticate(SNAPSHOT, "Bearer sk-userkey", null, "5"))
        .isInstanceOfSatisfying(Refusal.class, r -> {
          assertThat(r.error()).isEqualTo(GatewayError.CHANNEL_PIN_FORBIDDEN);
          assertThat(r.who().user().id()).as("the refusal names the known caller").isEqualTo(1);
        });
    assertThatThrownBy(() -> auth.authenticate(SNAPSHOT, "Bearer " + ADMIN_ACCESS, null, "99"))
        .isInstanceOfSatisfying(Refusal.class,
            r -> assertThat(r.error()).isEqualTo(GatewayError.PINNED_CHANNEL_UNAVAILABLE));
  }
}
