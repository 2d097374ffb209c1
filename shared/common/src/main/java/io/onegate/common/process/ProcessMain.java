package io.onegate.common.process;

import io.onegate.common.config.Config;
import io.onegate.common.config.ConfigException;
import io.vertx.core.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main} of each process jar: read and validate the configuration (a bad value prints one line and
 * exits 2), start the {@link ProcessRuntime}, start the application, and close everything on SIGTERM/Ctrl-C.
 */
public final class ProcessMain {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessMain.class);

  private ProcessMain() {
  }

  /** An application started on a runtime; its future completes when it serves. */
  public interface Application {
    Future<Void> stop();
  }

  public static void run(String processName, Function<ProcessRuntime, Future<Application>> starter) {
    JvmDefaults.apply();
    Config config;
    try {
      config = Config.fromEnvironment();
      config.get(io.onegate.common.config.Settings.SQL_DSN); // required by every separate process
    } catch (ConfigException e) {
      System.err.println("onegate " + processName + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    LogSetup.apply(config);
    ProcessRuntime.start(config)
        .compose(runtime -> starter.apply(runtime).map(app -> {
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("{} stopping", processName);
            ProcessRuntime.awaitQuietly(app.stop(), java.time.Duration.ofSeconds(10));
            runtime.closeBlocking(java.time.Duration.ofSeconds(15));
          }, processName + "-shutdown"));
          return app;
        }).onFailure(err -> runtime.close()))
        .onSuccess(app -> LOG.info("{} started", processName))
        .onFailure(err -> {
          LOG.error("{} failed to start: {}", processName, err.getMessage());
          System.exit(1);
        });
  }
}
