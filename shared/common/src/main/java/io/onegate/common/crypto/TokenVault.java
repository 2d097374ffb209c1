package io.onegate.common.crypto;

import io.onegate.common.config.Config;
import io.onegate.common.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How bearer secrets (relay keys {@code tokens.key}, management access tokens {@code users.access_token}) are
 * stored: a keyed <b>digest</b> (HMAC-SHA256 under a key derived from {@code CRYPTO_SECRET}) by which the row is
 * found when the secret is presented, and the secret <b>sealed</b> with {@link KeyCipher} so that its owner can be
 * shown it again. A database dump without {@code CRYPTO_SECRET} yields neither a usable key nor a way to test
 * guesses offline. The legacy plaintext column keeps a {@link #placeholder} no client can present.
 *
 * <p>Thread-safe; {@link #digest} uses one {@link Mac} per thread (no lock, no allocation but the result).
 */
public final class TokenVault {
  private static final byte[] DIGEST_LABEL = "onegate bearer-secret digest v1".getBytes(StandardCharsets.UTF_8);
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final KeyCipher cipher;
  private final ThreadLocal<Mac> macs;

  /** {@code secret}: the value of {@code CRYPTO_SECRET} (or {@code SESSION_SECRET} when that is unset). */
  public TokenVault(String secret) {
    this.cipher = new KeyCipher(secret);
    SecretKeySpec macKey = new SecretKeySpec(hmac(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8),
        "HmacSHA256"), DIGEST_LABEL), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(macKey);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** The vault of a process: the same secret rule as {@link KeyCipher#fromConfig}. */
  public static TokenVault fromConfig(Config config) {
    return KeyCipher.cryptoSecret(config)
        .map(TokenVault::new)
        .orElseThrow(() -> new ConfigException("CRYPTO_SECRET is not set (nor SESSION_SECRET): expected a secret of "
            + "16+ characters shared by every process, used to store relay keys and access tokens"));
  }

  /** The lookup digest of a presented secret: 43 characters of base64url (HMAC-SHA256). */
  public String digest(String secret) {
    return BASE64URL.encodeToString(macs.get().doFinal(secret.getBytes(StandardCharsets.UTF_8)));
  }

  /** The secret encrypted for display to its owner ({@code enc:v1:…}, AES-256-GCM). */
  public String seal(String secret) {
    return cipher.encrypt(secret);
  }

  /** The sealed secret in clear; throws {@link IllegalStateException} when another secret sealed it. */
  public String open(String sealed) {
    return cipher.decrypt(sealed);
  }

  /** True when this vault's secret sealed {@code sealed}. */
  public boolean canOpen(String sealed) {
    return cipher.canDecrypt(sealed);
  }

  /**
   * What the legacy plaintext column ({@code tokens.key}, NOT NULL UNIQUE) holds once the secret is stored as
   * digest and sealed form: {@code "-"} + the digest. Unique, and never matched by a presented key (the relay takes
   * the part before the first {@code -} as the key, which is then empty), also by a node of the previous version.
   */
  public static String placeholder(String digest) {
    return "-" + digest;
  }

  /** True when a value of the legacy column is a {@link #placeholder} rather than a plaintext secret. */
  public static boolean isPlaceholder(String legacy) {
    return legacy != null && legacy.startsWith("-");
  }

  private static byte[] hmac(SecretKeySpec key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
