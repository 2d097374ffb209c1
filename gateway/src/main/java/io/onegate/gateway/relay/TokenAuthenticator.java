package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.onegate.gateway.state.IpRange;
import io.onegate.gateway.state.Snapshot;
import io.onegate.gateway.state.TokenRecord;
import io.onegate.gateway.state.UserRecord;
import java.time.Clock;

/**
 * One API's TokenAuth order of checks against the in-memory snapshot (no I/O): key present and known, token
 * status, expiry, remaining quota, subnet, owner enabled, model allow-list, channel pin (admin-owned tokens only,
 * channel must exist and be enabled). Each failure is its own {@link GatewayError}. Pure apart from the clock.
 */
public final class TokenAuthenticator {
  private final Clock clock;

  public TokenAuthenticator(Clock clock) {
    this.clock = clock;
  }

  /** Authenticates {@code authorization} (the header value) for a request from {@code clientIp}. */
  public Caller authenticate(Snapshot snapshot, String authorization, byte[] clientIp) {
    String key = authorization == null ? "" : authorization.trim();
    if (key.regionMatches(true, 0, "Bearer ", 0, 7)) {
      key = key.substring(7).trim();
    }
    if (key.startsWith("sk-")) {
      key = key.substring(3);
    }
    if (key.isEmpty()) {
      throw new Refusal(GatewayError.MISSING_API_KEY);
    }
    int dash = key.indexOf('-');
    String pin = dash < 0 ? null : key.substring(dash + 1);
    if (dash >= 0) {
      key = key.substring(0, dash);
    }
    TokenRecord token = snapshot.tokensByKey().get(key);
    if (token == null) {
      throw new Refusal(GatewayError.INVALID_API_KEY);
    }
    UserRecord user = snapshot.users().get(token.userId());
    Caller known = user == null ? null : new Caller(token, user, 0);
    try {
      checkToken(token);
      if (!token.subnets().isEmpty() && (clientIp == null || !IpRange.anyContains(token.subnets(), clientIp))) {
        throw new Refusal(GatewayError.IP_NOT_ALLOWED, token.subnetText());
      }
      if (user == null || !user.enabled()) {
        throw new Refusal(GatewayError.USER_DISABLED);
      }
      return new Caller(token, user, pin == null ? 0 : pinnedChannel(snapshot, user, pin));
    } catch (Refusal refused) {
      throw refused.by(known);
    }
  }

  private void checkToken(TokenRecord token) {
    switch (token.status()) {
      case TokenRecord.ENABLED -> {
      }
      case TokenRecord.EXHAUSTED -> throw new Refusal(GatewayError.TOKEN_QUOTA_EXHAUSTED, token.name());
      case TokenRecord.EXPIRED -> throw new Refusal(GatewayError.TOKEN_EXPIRED);
      default -> throw new Refusal(GatewayError.TOKEN_DISABLED);
    }
    if (token.expiredTime() != -1 && token.expiredTime() < clock.instant().getEpochSecond()) {
      throw new Refusal(GatewayError.TOKEN_EXPIRED);
    }
    if (!token.unlimited() && token.remainQuota() <= 0) {
      throw new Refusal(GatewayError.TOKEN_QUOTA_EXHAUSTED, token.name());
    }
  }

  private static int pinnedChannel(Snapshot snapshot, UserRecord user, String pin) {
    if (!user.admin()) {
      throw new Refusal(GatewayError.CHANNEL_PIN_FORBIDDEN);
    }
    int id;
    try {
      id = Integer.parseInt(pin);
    } catch (NumberFormatException e) {
      throw new Refusal(GatewayError.PINNED_CHANNEL_UNAVAILABLE, pin);
    }
    Channel channel = snapshot.channels().get(id);
    if (channel == null || !channel.enabled()) {
      throw new Refusal(GatewayError.PINNED_CHANNEL_UNAVAILABLE, pin);
    }
    return id;
  }

  /** The model check (after the body is parsed): a token with an allow-list may use only those models. */
  public static void checkModel(Caller caller, String model) {
    if (!caller.token().models().isEmpty() && !caller.token().models().contains(model)) {
      throw new Refusal(GatewayError.MODEL_NOT_ALLOWED, model);
    }
  }
}
