package io.onegate.common.domain;

/** Masking of credentials for logs and API responses. */
public final class Secrets {
  private Secrets() {
  }

  /** {@code sk-abcd…wxyz} style: at most the first 4 and last 4 characters of keys longer than 12. */
  public static String mask(String secret) {
    if (secret == null || secret.isEmpty()) {
      return "";
    }
    if (secret.length() <= 12) {
      return "****";
    }
    return secret.substring(0, 4) + "****" + secret.substring(secret.length() - 4);
  }
}
