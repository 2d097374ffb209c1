package io.onegate.common.process;

import io.onegate.common.config.Config;
import io.onegate.common.config.ConfigException;
import io.onegate.common.config.Settings;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main} of each process jar: read and validate the configuration (a bad value prints one line and
 * exits 2), start the {@link ProcessRuntime}, start the application, and on SIGTERM/Ctrl-C drain it (see
 * {@link #drainAndStop}) and exit 0.
 */
public final class ProcessMain {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessMain.class);
  /** Beyond DRAIN_TIMEOUT: flushing events to Kafka, returning leases, committing the last batch. */
  static final Duration RELEASE_TIME = Duration.ofSeconds(20);

  private ProcessMain() {
  }

  /** An application started on a runtime; its future completes when it serves. */
  public interface Application {
    /** Stops at once: work in flight is cut, what the application holds is released. */
    Future<Void> stop();

    /**
     * Stops gracefully: takes no new work, lets work in flight finish within {@code timeout}, then releases what it
     * holds (as {@link #stop}). Applications without inbound traffic of their own just stop.
     */
    default Future<Void> drain(Duration timeout) {
      return stop();
    }

    /** True for applications a load balancer sends clients to: their drain waits DRAIN_DELAY first. */
    default boolean acceptsClients() {
      return false;
    }
  }

  public static void run(String processName, Function<ProcessRuntime, Future<Application>> starter) {
    JvmDefaults.apply();
    ParentWatch.install();
    Config config;
    try {
      config = Config.fromEnvironment();
      config.get(Settings.SQL_DSN); // required by every separate process
    } catch (ConfigException e) {
      System.err.println("onegate " + processName + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    LogSetup.apply(config);
    ProcessRuntime.start(config)
        .compose(runtime -> starter.apply(runtime).map(app -> {
          Termination.install(processName, delayed -> drainAndStop(processName, runtime, List.of(app), delayed));
          return app;
        }).onFailure(err -> runtime.close()))
        .onSuccess(app -> LOG.info("{} started", processName))
        .onFailure(err -> {
          LOG.error("{} failed to start: {}", processName, err.getMessage());
          System.exit(1);
        });
  }

  /**
   * The graceful stop of a process: {@code /readyz} turns 503 at once; after {@code DRAIN_DELAY} (when {@code
   * delayed}: SIGTERM, and an application {@link Application#acceptsClients}, so that a load balancer notices) the
   * applications drain — listeners close, work in flight gets {@code DRAIN_TIMEOUT} — and release what they hold;
   * then the runtime closes (the Hazelcast member leaves).
   */
  public static void drainAndStop(String processName, ProcessRuntime runtime, List<Application> apps,
                                  boolean delayed) throws InterruptedException {
    Config config = runtime.config();
    runtime.readiness().startDraining();
    Duration delay = delayed && apps.stream().anyMatch(Application::acceptsClients)
        ? Duration.ofSeconds(config.get(Settings.DRAIN_DELAY)) : Duration.ZERO;
    Duration timeout = Duration.ofSeconds(config.get(Settings.DRAIN_TIMEOUT));
    LOG.info("{} draining: not ready; accepting new connections for {} s more, then {} s for work in flight",
        processName, delay.toSeconds(), timeout.toSeconds());
    TimeUnit.MILLISECONDS.sleep(delay.toMillis());
    ProcessRuntime.awaitQuietly(Future.join(apps.stream().map(app -> app.drain(timeout)).toList()),
        timeout.plus(RELEASE_TIME));
    runtime.closeBlocking(Duration.ofSeconds(15));
  }
}
