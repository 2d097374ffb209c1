package io.onegate.gateway.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The relay's view of administrators' access tokens (the {@code /api} credential that FastGPT sends as
 * {@code AIPROXY_API_TOKEN} to the management API and to {@code /v1} alike): the snapshot holds only their SHA-256
 * digests, so the tokens themselves are never kept in the relay's memory. Pure.
 */
public final class AccessTokens {
  private AccessTokens() {
  }

  /** The hex SHA-256 of {@code token}. */
  public static String digest(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
