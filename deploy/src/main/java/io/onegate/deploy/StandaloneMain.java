package io.onegate.deploy;

import io.onegate.billing.BillingWorkerApplication;
import io.onegate.common.config.Config;
import io.onegate.common.config.ConfigException;
import io.onegate.common.config.Settings;
import io.onegate.common.process.LogSetup;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.common.process.Termination;
import io.onegate.embedded.EmbeddedKafka;
import io.onegate.embedded.EmbeddedPostgresServer;
import io.onegate.gateway.GatewayApplication;
import io.onegate.health.HealthWorkerApplication;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a real PostgreSQL and a real KRaft Kafka broker with their data under {@code DATA_DIR},
 * one Hazelcast member, and the gateway, billing worker and health worker — all in this JVM. Ctrl-C stops it
 * cleanly; a start after {@code kill -9} recovers (orphaned PostgreSQL stopped, Kafka log recovered).
 * {@code SQL_DSN} or {@code KAFKA_BOOTSTRAP_SERVERS}, when set, replace the embedded server.
 */
public final class StandaloneMain {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneMain.class);

  private StandaloneMain() {
  }

  public static void main(String[] args) throws Exception {
    io.onegate.common.process.JvmDefaults.apply();
    Config config;
    try {
      config = Config.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println("onegate standalone: " + e.getMessage());
      System.exit(2);
      return;
    }
    LogSetup.apply(config);
    long started = System.nanoTime();
    Path dataDir = Path.of(config.get(Settings.DATA_DIR)).toAbsolutePath().normalize();
    Files.createDirectories(dataDir);
    List<AutoCloseable> servers = new ArrayList<>();
    try {
      if (config.find(Settings.SQL_DSN).isEmpty()) {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(Optional.of(dataDir.resolve("postgres")),
            config.get(Settings.EMBEDDED_POSTGRES_PORT));
        servers.add(pg);
        config = config.with(Settings.SQL_DSN, pg.dsn());
      }
      if (!config.raw().containsKey(Settings.KAFKA_BOOTSTRAP_SERVERS.name())) {
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), config.get(Settings.EMBEDDED_KAFKA_PORT));
        servers.add(kafka);
        config = config.with(Settings.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      }
      if (config.find(Settings.SESSION_SECRET).isEmpty()) {
        config = config.with(Settings.SESSION_SECRET, persistentSecret(dataDir.resolve("session.secret")));
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot start the embedded servers: {}", e.getMessage());
      closeAll(servers);
      System.exit(1);
      return;
    }
    Config ready = config;
    CompletableFuture<Standalone> running = new CompletableFuture<>();
    ProcessRuntime.start(ready)
        .compose(runtime -> Future.all(GatewayApplication.start(runtime), BillingWorkerApplication.start(runtime),
                HealthWorkerApplication.start(runtime))
            .map(all -> new Standalone(runtime, all.list()))
            .onFailure(err -> runtime.close()))
        .onSuccess(running::complete)
        .onFailure(running::completeExceptionally);
    Standalone standalone;
    try {
      standalone = running.get(ready.get(Settings.STARTUP_TIMEOUT).longValue() + 30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("OneGate failed to start: {}", e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
      closeAll(servers);
      System.exit(1);
      return;
    }
    Termination.install("OneGate", delayed -> {
      ProcessMain.drainAndStop("OneGate", standalone.runtime(), standalone.apps(), delayed);
      closeAll(servers);
    });
    int port = ready.get(Settings.PORT);
    LOG.info("OneGate is ready in {} ms: console and API at http://localhost:{}/ , OpenAI-compatible relay at "
        + "http://localhost:{}/v1 ; first login root / 123456 (change it); data in {}",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), port, port, dataDir);
  }

  private static String persistentSecret(Path file) throws IOException {
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String secret = HexFormat.of().formatHex(bytes);
    Files.writeString(file, secret, StandardCharsets.UTF_8);
    file.toFile().setReadable(false, false);
    file.toFile().setReadable(true, true);
    return secret;
  }

  private static void closeAll(List<AutoCloseable> servers) {
    for (int i = servers.size() - 1; i >= 0; i--) {
      try {
        servers.get(i).close();
      } catch (Exception e) {
        LOG.warn("error while stopping {}: {}", servers.get(i).getClass().getSimpleName(), e.getMessage());
      }
    }
  }

  /** The running processes sharing one runtime. */
  private record Standalone(ProcessRuntime runtime, List<ProcessMain.Application> apps) {
  }
}
