package io.onegate.deploy;

import io.onegate.common.config.PostgresDsn;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Seeding and reading the OneGate database of a test through plain JDBC (the processes under test are children). */
final class Sql {
  private final PostgresDsn dsn;

  Sql(String dsn) {
    this.dsn = PostgresDsn.parse(dsn);
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(dsn.jdbcUrl(), dsn.user(), dsn.password());
  }

  /** Runs an INSERT … RETURNING id (or any statement returning one integer). */
  int insert(String sql, Object... args) throws SQLException {
    try (Connection c = connect(); PreparedStatement s = prepare(c, sql, args); ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  void execute(String sql, Object... args) throws SQLException {
    try (Connection c = connect(); PreparedStatement s = prepare(c, sql, args)) {
      s.execute();
    }
  }

  /** The first column of every row. */
  List<Object> column(String sql, Object... args) throws SQLException {
    List<Object> out = new ArrayList<>();
    try (Connection c = connect(); PreparedStatement s = prepare(c, sql, args); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getObject(1));
      }
    }
    return out;
  }

  long number(String sql, Object... args) throws SQLException {
    return ((Number) column(sql, args).get(0)).longValue();
  }

  /** A user of the default group; returns its id. */
  int user(String name, long quota) throws SQLException {
    return insert("INSERT INTO users (username, password, role, status, quota, \"group\") VALUES (?, 'x', 1, 1, ?, "
        + "'default') RETURNING id", name, quota);
  }

  /** A token (key stored without sk-) with its own quota limit; {@code unlimited} ignores it. */
  int token(int userId, String key, long remain, boolean unlimited) throws SQLException {
    return insert("INSERT INTO tokens (user_id, key, status, name, expired_time, remain_quota, unlimited_quota) "
        + "VALUES (?, ?, 1, ?, -1, ?, ?) RETURNING id", userId, key, "t-" + key.substring(0, 6), remain, unlimited);
  }

  /** An enabled OpenAI-type channel (the key stored as plain text, read as is) for {@code models}. */
  int channel(String name, String key, String baseUrl, String models) throws SQLException {
    return insert("INSERT INTO channels (type, key, status, name, weight, base_url, models, \"group\", priority) "
        + "VALUES (1, ?, 1, ?, 1, ?, ?, 'default', 0) RETURNING id", key, name, baseUrl, models);
  }

  void option(String key, String value) throws SQLException {
    execute("INSERT INTO options (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        key, value);
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      s.setObject(i + 1, args[i]);
    }
    return s;
  }
}
