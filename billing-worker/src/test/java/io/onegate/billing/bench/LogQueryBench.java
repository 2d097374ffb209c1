package io.onegate.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.PostgresDsn;
import io.onegate.common.db.Migrations;
import io.onegate.embedded.EmbeddedPostgresServer;
import io.onegate.embedded.FreePorts;
import io.onegate.testkit.Figures;
import io.vertx.core.json.JsonArray;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (run by bench/billing/log-query.sh with -Dtest=LogQueryBench): loads bench.rows (10M) log rows with
 * generate_series into a real PostgreSQL migrated by OneGate's Flyway migrations (monthly partitions over the
 * last 3 months), ANALYZEs, then times each /api/log/ admin query shape with EXPLAIN (ANALYZE, BUFFERS): the median
 * of bench.runs executions. Set ONEGATE_BENCH_SQL_DSN to use an existing empty database instead.
 */
class LogQueryBench {
  private static final long ROWS = Long.getLong("bench.rows", 10_000_000L);
  private static final int RUNS = Integer.getInteger("bench.runs", 5);
  private static final String COLS = "id, user_id, created_at, type, content, username, token_name, model_name, "
      + "quota, prompt_tokens, completion_tokens, channel_id, request_id, elapsed_time, is_stream";

  @Test
  void adminLogQueries() throws Exception {
    EmbeddedPostgresServer server = null;
    java.nio.file.Path serverDir = null;
    String dsn = System.getenv("ONEGATE_BENCH_SQL_DSN");
    if (dsn == null || dsn.isBlank()) {
      serverDir = Files.createTempDirectory("onegate-logbench-").resolve("data");
      server = EmbeddedPostgresServer.start(Optional.of(serverDir), FreePorts.find());
      dsn = server.dsn();
    }
    try {
      PostgresDsn d = PostgresDsn.parse(dsn);
      Migrations.migrate(d);
      try (Connection c = DriverManager.getConnection(d.jdbcUrl(), d.user(), d.password());
           Statement s = c.createStatement()) {
        long t0 = System.nanoTime();
        s.execute("SET synchronous_commit = off");
        s.execute("SELECT onegate_ensure_monthly_partitions('logs', 'created_at', extract(epoch FROM now())::bigint"
            + " - 100 * 86400, 5)");
        // 5,000 users, 200 models, 50 channels, 3 tokens per user, 3 months back from now; ids ascend with time.
        s.execute("INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota, "
            + "prompt_tokens, completion_tokens, channel_id, request_id, elapsed_time, is_stream, token_id) "
            + "SELECT 1 + (g * 7919) % 5000, extract(epoch FROM now())::bigint - 90 * 86400 + (g * 90 * 86400) / "
            + ROWS + ", CASE WHEN g % 50 = 0 THEN 1 ELSE 2 END, 'model ratio 1.25, group ratio 1.00, completion "
            + "ratio 4.00', 'user' || (1 + (g * 7919) % 5000), 'token' || (g % 3), 'model-' || (g % 200), g % 5000, "
            + "g % 4000, g % 1000, 1 + g % 50, md5(g::text), g % 3000, g % 2 = 0, g % 15000 "
            + "FROM generate_series(1::bigint, " + ROWS + "::bigint) g");
        s.execute("ANALYZE logs");
        Figures.report("BENCH logs: %d rows loaded and analyzed in %.0f s%n", ROWS, (System.nanoTime() - t0) / 1e9);
        try (ResultSet rs = s.executeQuery("SELECT c.relname, c.reltuples::bigint, pg_size_pretty("
            + "pg_total_relation_size(c.oid)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            + "WHERE i.inhparent = 'logs'::regclass ORDER BY 1")) {
          while (rs.next()) {
            Figures.report("BENCH partition %s: %d rows, %s%n", rs.getString(1), rs.getLong(2), rs.getString(3));
          }
        }
        long now = System.currentTimeMillis() / 1000;
        long week = now - 7 * 86400;
        long month = now - 30 * 86400;
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("all, page 1", "SELECT " + COLS + " FROM logs ORDER BY created_at DESC, id DESC LIMIT 10");
        queries.put("all, page 51", "SELECT " + COLS + " FROM logs ORDER BY created_at DESC, id DESC LIMIT 10 "
            + "OFFSET 500");
        queries.put("type = consume", "SELECT " + COLS + " FROM logs WHERE type = 2 ORDER BY created_at DESC, "
            + "id DESC LIMIT 10");
        queries.put("type = top-up", "SELECT " + COLS + " FROM logs WHERE type = 1 ORDER BY created_at DESC, "
            + "id DESC LIMIT 10");
        queries.put("username", "SELECT " + COLS + " FROM logs WHERE username = 'user4242' ORDER BY created_at "
            + "DESC, id DESC LIMIT 10");
        queries.put("user_id, last 7 days", "SELECT " + COLS + " FROM logs WHERE user_id = 4242 AND created_at "
            + "BETWEEN " + week + " AND " + now + " ORDER BY created_at DESC, id DESC LIMIT 10");
        queries.put("user + token_name", "SELECT " + COLS + " FROM logs WHERE user_id = 4242 AND token_name = "
            + "'token1' ORDER BY created_at DESC, id DESC LIMIT 10");
        queries.put("token_name", "SELECT " + COLS + " FROM logs WHERE token_name = 'token1' ORDER BY created_at "
            + "DESC, id DESC LIMIT 10");
        queries.put("model, last 30 days", "SELECT " + COLS + " FROM logs WHERE model_name = 'model-17' AND "
            + "created_at >= " + month + " ORDER BY created_at DESC, id DESC LIMIT 10");
        queries.put("channel", "SELECT " + COLS + " FROM logs WHERE channel_id = 7 ORDER BY created_at DESC, "
            + "id DESC LIMIT 10");
        queries.put("one day, 45 days ago", "SELECT " + COLS + " FROM logs WHERE created_at BETWEEN "
            + (now - 45 * 86400) + " AND " + (now - 44 * 86400) + " ORDER BY created_at DESC, id DESC LIMIT 10");
        queries.put("user + model", "SELECT " + COLS + " FROM logs WHERE user_id = 4242 AND model_name = "
            + "'model-42' ORDER BY created_at DESC, id DESC LIMIT 10");
        queries.put("stat: user quota, 7 days", "SELECT coalesce(sum(quota), 0) FROM logs WHERE type = 2 AND "
            + "user_id = 4242 AND created_at BETWEEN " + week + " AND " + now);
        queries.put("stat: all quota, 1 day", "SELECT coalesce(sum(quota), 0) FROM logs WHERE type = 2 AND "
            + "created_at BETWEEN " + (now - 86400) + " AND " + now);
        double worst = 0;
        for (Map.Entry<String, String> q : queries.entrySet()) {
          List<Double> times = new ArrayList<>();
          String plan = "";
          for (int i = 0; i < RUNS; i++) {
            try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + q.getValue())) {
              rs.next();
              var root = new JsonArray(rs.getString(1)).getJsonObject(0);
              times.add(root.getDouble("Execution Time"));
              plan = root.getJsonObject("Plan").getString("Node Type");
            }
          }
          times.sort(Double::compare);
          double median = times.get(times.size() / 2);
          worst = Math.max(worst, median);
          Figures.report("BENCH query %-26s median %8.2f ms (max %8.2f) plan %s%n", q.getKey(), median,
              times.get(times.size() - 1), plan);
        }
        Figures.report("BENCH slowest admin query median: %.2f ms over %d rows%n", worst, ROWS);
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM logs")) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(ROWS);
        }
      }
    } finally {
      if (server != null) {
        server.close();
        io.onegate.billing.TestFiles.deleteTree(serverDir.getParent());
      }
    }
  }
}
