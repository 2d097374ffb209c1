package io.onegate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.PostgresDsn;
import io.onegate.common.event.UsageEvent;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Users (each with a limited and an unlimited token) and channels in a real database, a deterministic stream of
 * usage events over them, the totals those events must produce, and the check of the ledger against them.
 */
final class UsageFixture {
  static final long INITIAL_QUOTA = 1_000_000_000_000L;

  final String dsn;
  final List<Integer> users = new ArrayList<>();
  final Map<Integer, int[]> tokensOfUser = new HashMap<>();
  final Map<Integer, Boolean> unlimited = new HashMap<>();
  final List<Integer> channels = new ArrayList<>();
  final Map<Integer, Long> userSpent = new HashMap<>();
  final Map<Integer, Integer> userRequests = new HashMap<>();
  final Map<Integer, Long> tokenSpent = new HashMap<>();
  final Map<Integer, Long> channelSpent = new HashMap<>();
  long totalQuota;
  int distinctEvents;

  UsageFixture(String dsn, int userCount, int channelCount) throws SQLException {
    this.dsn = dsn;
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO users (username, password, quota) SELECT 'fx' || g, 'x', " + INITIAL_QUOTA
          + " FROM generate_series(1, " + userCount + ") g");
      try (ResultSet rs = s.executeQuery("SELECT id FROM users WHERE username LIKE 'fx%' ORDER BY id")) {
        while (rs.next()) {
          users.add(rs.getInt(1));
        }
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO tokens (user_id, key, name, remain_quota, "
          + "unlimited_quota) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
        for (int u : users) {
          int[] pair = new int[2];
          for (int k = 0; k < 2; k++) {
            p.setInt(1, u);
            p.setString(2, "k" + u + "x" + k + "x" + System.nanoTime());
            p.setString(3, "tok" + k);
            p.setLong(4, INITIAL_QUOTA);
            p.setBoolean(5, k == 1);
            try (ResultSet rs = p.executeQuery()) {
              rs.next();
              pair[k] = rs.getInt(1);
              unlimited.put(pair[k], k == 1);
            }
          }
          tokensOfUser.put(u, pair);
        }
      }
      s.execute("INSERT INTO channels (name, key) SELECT 'ch' || g, 'sk-x' FROM generate_series(1, " + channelCount
          + ") g");
      try (ResultSet rs = s.executeQuery("SELECT id FROM channels WHERE name LIKE 'ch%' ORDER BY id")) {
        while (rs.next()) {
          channels.add(rs.getInt(1));
        }
      }
    }
  }

  /** The next distinct event (counted in the expected totals). */
  UsageEvent next(RandomGenerator random, String runId, int sequence, long nowMillis) {
    int user = users.get(random.nextInt(users.size()));
    int token = tokensOfUser.get(user)[random.nextInt(2)];
    int channel = channels.get(random.nextInt(channels.size()));
    long prompt = 1 + random.nextInt(4000);
    long completion = random.nextInt(2000);
    long quota = random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(50_000);
    userSpent.merge(user, quota, Long::sum);
    userRequests.merge(user, 1, Integer::sum);
    tokenSpent.merge(token, quota, Long::sum);
    channelSpent.merge(channel, quota, Long::sum);
    totalQuota += quota;
    distinctEvents++;
    return new UsageEvent(1, runId + "-" + sequence, nowMillis, UsageEvent.TYPE_CONSUME, user, "fx" + user, token,
        "tok", unlimited.get(token), channel, 1, "default", "gpt-4o-mini", "gpt-4o-mini", prompt, completion, quota,
        0, random.nextBoolean(), 100 + random.nextInt(900), "success", 200, "模型倍率 0.08", false, "", 0,
        unlimited.get(token) ? UsageEvent.UNKNOWN_GENERATION : 0);
  }

  /** Asserts every total equals the events' sums and each request id has exactly one log row; returns a summary. */
  String assertLedgerExact() throws SQLException {
    int usersChecked = 0;
    int tokensChecked = 0;
    int channelsChecked = 0;
    long logRows;
    long distinctIds;
    long logQuota;
    try (Connection c = connect(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT id, quota, used_quota, request_count FROM users WHERE username "
          + "LIKE 'fx%'")) {
        while (rs.next()) {
          int id = rs.getInt(1);
          long spent = userSpent.getOrDefault(id, 0L);
          assertThat(rs.getLong(2)).as("quota of user %d", id).isEqualTo(INITIAL_QUOTA - spent);
          assertThat(rs.getLong(3)).as("used_quota of user %d", id).isEqualTo(spent);
          assertThat(rs.getInt(4)).as("request_count of user %d", id).isEqualTo(userRequests.getOrDefault(id, 0));
          usersChecked++;
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT id, remain_quota, used_quota, unlimited_quota FROM tokens")) {
        while (rs.next()) {
          int id = rs.getInt(1);
          long spent = tokenSpent.getOrDefault(id, 0L);
          long expectedRemain = rs.getBoolean(4) ? INITIAL_QUOTA : INITIAL_QUOTA - spent;
          assertThat(rs.getLong(2)).as("remain_quota of token %d", id).isEqualTo(expectedRemain);
          assertThat(rs.getLong(3)).as("used_quota of token %d", id).isEqualTo(spent);
          tokensChecked++;
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT id, used_quota FROM channels WHERE name LIKE 'ch%'")) {
        while (rs.next()) {
          assertThat(rs.getLong(2)).as("used_quota of channel %d", rs.getInt(1))
              .isEqualTo(channelSpent.getOrDefault(rs.getInt(1), 0L));
          channelsChecked++;
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT request_id), coalesce(sum(quota), 0) "
          + "FROM logs WHERE type = 2")) {
        rs.next();
        logRows = rs.getLong(1);
        distinctIds = rs.getLong(2);
        logQuota = rs.getLong(3);
      }
    }
    assertThat(usersChecked).isEqualTo(users.size());
    assertThat(channelsChecked).isEqualTo(channels.size());
    assertThat(distinctIds).as("distinct request ids in logs").isEqualTo(distinctEvents);
    assertThat(logRows).as("log rows (exactly one per request id)").isEqualTo(distinctEvents);
    assertThat(logQuota).as("sum of logged quota").isEqualTo(totalQuota);
    return String.format("%d distinct events, total quota %d: %d users, %d tokens, %d channels exact; %d log rows "
        + "for %d request ids", distinctEvents, totalQuota, usersChecked, tokensChecked, channelsChecked, logRows,
        distinctIds);
  }

  long storedOffsetSum() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  Connection connect() throws SQLException {
    PostgresDsn d = PostgresDsn.parse(dsn);
    return DriverManager.getConnection(d.jdbcUrl(), d.user(), d.password());
  }
}
