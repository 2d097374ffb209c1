package io.onegate.deploy;

import static io.onegate.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.embedded.FreePorts;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, as a child JVM on a temporary data directory: it serves /api/status; after a clean
 * stop (SIGTERM, as Ctrl-C) a second start finds a row the first wrote; after kill -9 a third start comes up.
 */
class StandaloneLifecycleTest {
  private final List<Process> started = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void killLeftovers() {
    started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void survivesCleanStopAndKillNine() throws Exception {
    Path dataDir = Files.createTempDirectory("onegate-standalone-");
    int port = FreePorts.find();
    int pgPort = FreePorts.find();
    Map<String, String> env = Map.of(
        "DATA_DIR", dataDir.toString(),
        "PORT", String.valueOf(port),
        "EMBEDDED_POSTGRES_PORT", String.valueOf(pgPort),
        "EMBEDDED_KAFKA_PORT", String.valueOf(FreePorts.find()),
        "HAZELCAST_PORT", String.valueOf(FreePorts.find()),
        "HAZELCAST_CLUSTER_NAME", "standalone-test-" + UUID.randomUUID(),
        "BILLING_WORKER_PORT", "0",
        "HEALTH_WORKER_PORT", "0");

    Process firstRun = launch(env, dataDir.resolve("run1.log"));
    awaitStatus(port, firstRun);
    String marker = "marker-" + UUID.randomUUID();
    execute(pgPort, "INSERT INTO options (key, value) VALUES ('LifecycleTestMarker', '" + marker + "')");
    firstRun.destroy(); // SIGTERM, what Ctrl-C sends the JVM
    assertThat(firstRun.waitFor(40, TimeUnit.SECONDS)).as("clean stop").isTrue();

    Process secondRun = launch(env, dataDir.resolve("run2.log"));
    awaitStatus(port, secondRun);
    assertThat(query(pgPort, "SELECT value FROM options WHERE key = 'LifecycleTestMarker'")).isEqualTo(marker);
    secondRun.destroyForcibly(); // kill -9: the embedded PostgreSQL is left running as an orphan
    secondRun.waitFor(20, TimeUnit.SECONDS);

    Process thirdRun = launch(env, dataDir.resolve("run3.log"));
    awaitStatus(port, thirdRun);
    assertThat(query(pgPort, "SELECT value FROM options WHERE key = 'LifecycleTestMarker'")).isEqualTo(marker);
    thirdRun.destroy();
    assertThat(thirdRun.waitFor(40, TimeUnit.SECONDS)).isTrue();
    // the embedded PostgreSQL's processes exit a moment after the launcher's stop returned
    eventually(Duration.ofSeconds(15), () -> assertThat(ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(dataDir.toString())).orElse(false))
        .count()).as("no process left on the data directory after a clean stop").isZero());
  }

  private Process launch(Map<String, String> env, Path log) throws IOException {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), StandaloneMain.class.getName());
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private void awaitStatus(int port, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("standalone process alive").isTrue();
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/status")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().contains("\"success\":true")) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("standalone did not serve /api/status within 90 s");
  }

  private static void execute(int pgPort, String sql) throws Exception {
    try (Connection c = connect(pgPort); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String query(int pgPort, String sql) throws Exception {
    try (Connection c = connect(pgPort); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static Connection connect(int pgPort) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/onegate", "postgres", "postgres");
  }
}
