package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.onegate.gateway.state.IpRange;
import io.onegate.gateway.state.Snapshot;
import io.onegate.gateway.state.TokenRecord;
import io.onegate.gateway.state.UserRecord;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * One API's TokenAuth order of checks against the in-memory snapshot (no I/O): key present and known, token
 * status, expiry, remaining quota, subnet, owner enabled, model allow-list, channel pin (admin-owned tokens only,
 * channel must exist and be enabled; or AI Proxy's {@code Aiproxy-Channel} header). An administrator's access
 * token also authenticates (AI Proxy compatibility). Each failure is its own {@link GatewayError}. Pure apart from
 * the clock.
 */
public final class TokenAuthenticator {
  /** The token name of requests made with an administrator's access token (logs show it). */
  public static final String ACCESS_TOKEN_NAME = "access token";
  /** AI Proxy's header that pins one channel (FastGPT's per-channel model test). */
  public static final String CHANNEL_HEADER = "Aiproxy-Channel";

  private final Clock clock;

  public TokenAuthenticator(Clock clock) {
    this.clock = clock;
  }

  /** Authenticates {@code authorization} (the header value) for a request from {@code clientIp}. */
  public Caller authenticate(Snapshot snapshot, String authorization, byte[] clientIp) {
    return authenticate(snapshot, authorization, clientIp, null);
  }

  /**
   * Authenticates {@code authorization} for a request from {@code clientIp}; {@code channelHeader} is the AI Proxy
   * {@code Aiproxy-Channel} header (or null): like the key suffix it pins one channel, for administrators only, and
   * (as in AI Proxy, whose per-model channel test relies on it) a disabled channel too. An administrator's
   * {@linkplain AccessTokens access token} is accepted as a key (unlimited, billed to the administrator): FastGPT
   * sends its one AI Proxy token to the management API and the relay alike.
   */
  public Caller authenticate(Snapshot snapshot, String authorization, byte[] clientIp, String channelHeader) {
    String raw = authorization == null ? "" : authorization.trim();
    if (raw.regionMatches(true, 0, "Bearer ", 0, 7)) {
      raw = raw.substring(7).trim();
    }
    String key = raw.startsWith("sk-") ? raw.substring(3) : raw;
    if (key.isEmpty()) {
      throw new Refusal(GatewayError.MISSING_API_KEY);
    }
    int dash = key.indexOf('-');
    String pin = dash < 0 ? null : key.substring(dash + 1);
    if (dash >= 0) {
      key = key.substring(0, dash);
    }
    TokenRecord token = snapshot.tokenForKey(key);
    if (token == null) {
      return administrator(snapshot, raw, channelHeader);
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
      return new Caller(token, user, pin(snapshot, user, pin, channelHeader));
    } catch (Refusal refused) {
      throw refused.by(known);
    }
  }

  /**
   * The caller of an administrator's access token; refuses as an invalid key when {@code raw} is none. Looked up
   * only for keys that are no token, so relay keys pay nothing for it.
   */
  private static Caller administrator(Snapshot snapshot, String raw, String channelHeader) {
    UserRecord admin = raw.length() > 128 ? null : snapshot.adminForAccessToken(raw);
    if (admin == null) {
      throw new Refusal(GatewayError.INVALID_API_KEY);
    }
    TokenRecord token = accessTokenOf(admin);
    Caller known = new Caller(token, admin, 0);
    try {
      if (!admin.enabled()) {
        throw new Refusal(GatewayError.USER_DISABLED);
      }
      return new Caller(token, admin, pin(snapshot, admin, null, channelHeader));
    } catch (Refusal refused) {
      throw refused.by(known);
    }
  }

  /** The token an administrator's access token stands for: unlimited, every model, anywhere (token id 0). */
  static TokenRecord accessTokenOf(UserRecord admin) {
    return new TokenRecord(0, admin.id(), "", TokenRecord.ENABLED, ACCESS_TOKEN_NAME, -1, 0, true, Set.of(),
        List.of(), "", -1);
  }

  /** The pinned channel of the key suffix, else of the {@code Aiproxy-Channel} header; 0 when none. */
  private static int pin(Snapshot snapshot, UserRecord user, String suffix, String header) {
    if (suffix != null) {
      return pinnedChannel(snapshot, user, suffix, false);
    }
    if (header != null && !header.isBlank()) {
      return pinnedChannel(snapshot, user, header.trim(), true);
    }
    return 0;
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

  private static int pinnedChannel(Snapshot snapshot, UserRecord user, String pin, boolean evenDisabled) {
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
    if (channel == null || !channel.enabled() && !evenDisabled) {
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
