package io.onegate.common.crypto;

import io.onegate.common.config.Config;
import io.onegate.common.config.ConfigException;
import io.onegate.common.config.Settings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts channel keys at rest with AES-256-GCM. Stored form: {@code enc:v1:<base64(iv ‖ ciphertext+tag)>}.
 * A value without the prefix is read as plaintext (a database migrated from One API), and is encrypted on its
 * next write. The key is SHA-256 of {@code CRYPTO_SECRET} (or of {@code SESSION_SECRET} when that is unset).
 * Thread-safe.
 */
public final class KeyCipher {
  private static final String PREFIX = "enc:v1:";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public KeyCipher(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      this.key = new SecretKeySpec(digest, "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The secret that encrypts at rest: {@code CRYPTO_SECRET}, else {@code SESSION_SECRET}. */
  public static java.util.Optional<String> cryptoSecret(Config config) {
    return config.find(Settings.CRYPTO_SECRET).or(() -> config.find(Settings.SESSION_SECRET));
  }

  public static KeyCipher fromConfig(Config config) {
    return cryptoSecret(config)
        .map(KeyCipher::new)
        .orElseThrow(() -> new ConfigException("CRYPTO_SECRET is not set (nor SESSION_SECRET): expected a secret of "
            + "16+ characters shared by every process, used to encrypt channel keys"));
  }

  public String encrypt(String plaintext) {
    try {
      byte[] iv = new byte[IV_BYTES];
      random.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      ByteBuffer out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed);
      return PREFIX + Base64.getEncoder().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encrypt", e);
    }
  }

  /** Decrypts a stored value; plaintext (no prefix) is returned as is. Throws if the key does not match. */
  public String decrypt(String stored) {
    if (stored == null || !stored.startsWith(PREFIX)) {
      return stored;
    }
    try {
      byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
      return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot decrypt a channel key: CRYPTO_SECRET differs from the one that "
          + "encrypted it", e);
    }
  }

  /** True when {@link #decrypt} reads {@code stored} (plaintext included). */
  public boolean canDecrypt(String stored) {
    try {
      decrypt(stored);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  public static boolean isEncrypted(String stored) {
    return stored != null && stored.startsWith(PREFIX);
  }
}
