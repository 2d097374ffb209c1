package io.onegate.common.db;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.onegate.common.config.PostgresDsn;
import io.onegate.common.crypto.TokenVault;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the {@code root} user on an empty {@code users} table, as One API does: password 123456, role 100,
 * quota 500,000,000,000,000, optional initial relay token and access token, stored as {@link TokenVault} digest and
 * sealed form (no access token without {@code INITIAL_ROOT_ACCESS_TOKEN}: One API's random one was never shown
 * either). Blocking (JDBC), start-up only; serialised across processes by a transaction-scoped advisory lock.
 */
public final class RootBootstrap {
  public static final String ROOT_USERNAME = "root";
  public static final String DEFAULT_ROOT_PASSWORD = "123456";
  public static final long ROOT_INITIAL_QUOTA = 500_000_000_000_000L;
  private static final long ADVISORY_LOCK = 0x0e6a7e_0001L;
  private static final Logger LOG = LoggerFactory.getLogger(RootBootstrap.class);

  private RootBootstrap() {
  }

  /**
   * Returns true when root was created now. {@code vault} (from {@code CRYPTO_SECRET}) is needed only with an
   * initial token.
   */
  public static boolean createRootIfNeeded(PostgresDsn dsn, Optional<String> initialRootToken,
                                           Optional<String> initialAccessToken, Optional<TokenVault> vault,
                                           Clock clock) {
    if ((initialRootToken.isPresent() || initialAccessToken.isPresent()) && vault.isEmpty()) {
      throw new IllegalStateException("INITIAL_ROOT_TOKEN and INITIAL_ROOT_ACCESS_TOKEN need CRYPTO_SECRET (or "
          + "SESSION_SECRET): they are stored as keyed digests");
    }
    try (Connection c = DriverManager.getConnection(dsn.jdbcUrl(), dsn.user(), dsn.password())) {
      c.setAutoCommit(false);
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        lock.setLong(1, ADVISORY_LOCK);
        lock.execute();
      }
      try (PreparedStatement any = c.prepareStatement("SELECT 1 FROM users LIMIT 1");
           ResultSet rs = any.executeQuery()) {
        if (rs.next()) {
          c.commit();
          return false;
        }
      }
      long now = clock.instant().getEpochSecond();
      String hash = BCrypt.withDefaults().hashToString(10, DEFAULT_ROOT_PASSWORD.toCharArray());
      int rootId;
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO users (username, password, display_name, role, status, access_token_digest, "
              + "access_token_sealed, quota, \"group\", aff_code, created_time, password_changed) "
              + "VALUES (?, ?, 'Root User', 100, 1, ?, ?, ?, 'default', ?, ?, false) RETURNING id")) {
        insert.setString(1, ROOT_USERNAME);
        insert.setString(2, hash);
        insert.setString(3, initialAccessToken.map(t -> vault.get().digest(t)).orElse(null));
        insert.setString(4, initialAccessToken.map(t -> vault.get().seal(t)).orElse(null));
        insert.setLong(5, ROOT_INITIAL_QUOTA);
        insert.setString(6, randomAlnum(4));
        insert.setLong(7, now);
        try (ResultSet rs = insert.executeQuery()) {
          rs.next();
          rootId = rs.getInt(1);
        }
      }
      if (initialRootToken.isPresent()) {
        try (PreparedStatement token = c.prepareStatement(
            "INSERT INTO tokens (user_id, key, key_digest, key_sealed, status, name, created_time, accessed_time, "
                + "expired_time, remain_quota, unlimited_quota) VALUES (?, ?, ?, ?, 1, 'Initial Root Token', ?, ?, "
                + "-1, 0, true)")) {
          String key = stripSk(initialRootToken.get());
          String digest = vault.get().digest(key);
          token.setInt(1, rootId);
          token.setString(2, TokenVault.placeholder(digest));
          token.setString(3, digest);
          token.setString(4, vault.get().seal(key));
          token.setLong(5, now);
          token.setLong(6, now);
          token.executeUpdate();
        }
      }
      c.commit();
      LOG.warn("created the root user with the default password '{}': change it at once", DEFAULT_ROOT_PASSWORD);
      return true;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the root user: " + e.getMessage(), e);
    }
  }

  private static String stripSk(String key) {
    return key.startsWith("sk-") ? key.substring(3) : key;
  }

  private static String randomAlnum(int length) {
    String alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    SecureRandom random = new SecureRandom();
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
