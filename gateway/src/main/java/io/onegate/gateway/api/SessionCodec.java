package io.onegate.gateway.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The stateless {@code session} cookie: {@code <userId>.<role>.<issuedAtMillis>.<HMAC-SHA256(SESSION_SECRET)>},
 * valid on every node sharing the secret, for {@link #MAX_AGE} after issue. The role inside is informational;
 * callers re-read the user's current role and status (and {@code users.sessions_valid_after}). Thread-safe.
 */
public final class SessionCodec {
  public static final String COOKIE = "session";
  public static final Duration MAX_AGE = Duration.ofDays(30);
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /** What a valid cookie says; {@code issuedAt} in Unix milliseconds. */
  public record Claims(int userId, int role, long issuedAt) {
  }

  private final SecretKeySpec key;
  private final Clock clock;

  public SessionCodec(String secret, Clock clock) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.clock = clock;
  }

  public String issue(int userId, int role) {
    String payload = userId + "." + role + "." + clock.millis();
    return payload + "." + sign(payload);
  }

  /** The claims of an intact, unexpired cookie value; empty when tampered, malformed or expired. */
  public Optional<Claims> verify(String value) {
    if (value == null || value.length() > 256) {
      return Optional.empty();
    }
    int cut = value.lastIndexOf('.');
    if (cut <= 0) {
      return Optional.empty();
    }
    String payload = value.substring(0, cut);
    byte[] expected = sign(payload).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, value.substring(cut + 1).getBytes(StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    String[] parts = payload.split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      Claims claims = new Claims(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
      long now = clock.millis();
      if (claims.issuedAt() > now + CLOCK_SKEW.toMillis() || now - claims.issuedAt() > MAX_AGE.toMillis()) {
        return Optional.empty();
      }
      return Optional.of(claims);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  long nowMillis() {
    return clock.millis();
  }

  private String sign(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
