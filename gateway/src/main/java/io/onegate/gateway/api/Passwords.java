package io.onegate.gateway.api;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;

/**
 * bcrypt hashing and checking, run on worker threads (a hash costs tens of ms). bcrypt reads at most 72 bytes:
 * a longer password is refused with a message ({@link #checkLength}) rather than silently truncated.
 */
public final class Passwords {
  /** bcrypt's input limit in bytes (UTF-8). */
  public static final int MAX_BYTES = 72;
  private static final int COST = 10;
  /** Checked when the user does not exist, so a miss costs as much time as a wrong password. */
  private static final String DUMMY_HASH = BCrypt.withDefaults().hashToString(COST, "dummy-password".toCharArray());
  private final Vertx vertx;

  public Passwords(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<String> hash(String password) {
    checkLength(password);
    return vertx.executeBlocking(() -> BCrypt.withDefaults().hashToString(COST, password.toCharArray()), false);
  }

  /** True when {@code password} matches {@code hash}; a null hash is checked against a dummy (always false). */
  public Future<Boolean> matches(String password, String hash) {
    checkLength(password);
    return vertx.executeBlocking(() -> {
      byte[] stored = (hash == null ? DUMMY_HASH : hash).getBytes(StandardCharsets.UTF_8);
      boolean ok = BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), stored).verified;
      return ok && hash != null;
    }, false);
  }

  /** One API's rule: 8 to 20 characters (and at most {@link #MAX_BYTES} bytes). */
  public static String validate(String password) {
    if (password.length() < 8 || password.length() > 20) {
      throw ApiException.badRequest("password must be 8 to 20 characters");
    }
    return checkLength(password);
  }

  /** Refuses a password bcrypt cannot take whole (over {@link #MAX_BYTES} bytes in UTF-8). */
  public static String checkLength(String password) {
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw ApiException.badRequest("password is too long: at most " + MAX_BYTES + " bytes (UTF-8)");
    }
    return password;
  }
}
