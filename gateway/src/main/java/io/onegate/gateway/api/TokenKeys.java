package io.onegate.gateway.api;

import java.util.random.RandomGenerator;

/** Random secrets in One API's formats. */
public final class TokenKeys {
  private static final String ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final String HEX = "0123456789abcdef";

  private TokenKeys() {
  }

  /** A relay token key (stored without {@code sk-}): 16 of [0-9a-zA-Z] then 32 hex, every other letter upper. */
  public static String relayKey(RandomGenerator random) {
    StringBuilder out = new StringBuilder(48).append(alnum(random, 16));
    String hex = hex(random, 32);
    boolean upper = false;
    for (char c : hex.toCharArray()) {
      if (Character.isLetter(c)) {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = !upper;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  public static String alnum(RandomGenerator random, int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(ALNUM.charAt(random.nextInt(ALNUM.length())));
    }
    return out.toString();
  }

  /** {@code length} lowercase hex characters (access tokens, redemption keys). */
  public static String hex(RandomGenerator random, int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(HEX.charAt(random.nextInt(16)));
    }
    return out.toString();
  }
}
