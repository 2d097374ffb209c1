package io.onegate.common.process;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * What SIGTERM and SIGINT (Ctrl-C) do to a OneGate process: run its graceful shutdown once, on a thread of its own,
 * then exit 0 — not the JVM's default 143/130, so an orchestrator sees a clean stop. Any other way the JVM ends
 * (another signal, {@code System.exit}) still runs the ordinary shutdown hook.
 */
public final class Termination {
  private static final Logger LOG = LoggerFactory.getLogger(Termination.class);

  /** A graceful shutdown; {@code delayed} is true for SIGTERM (wait for the load balancer), false for Ctrl-C. */
  @FunctionalInterface
  public interface Shutdown {
    void run(boolean delayed) throws Exception;
  }

  private Termination() {
  }

  /**
   * Installs the handlers. {@code shutdown} runs at most once, whether a signal or the JVM's shutdown hook (for
   * other exits, not delayed) starts it.
   */
  public static void install(String processName, Shutdown shutdown) {
    AtomicBoolean started = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      if (started.compareAndSet(false, true)) {
        runQuietly(processName, shutdown, false);
      }
    }, processName + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    for (String name : new String[] {"TERM", "INT"}) {
      boolean delayed = "TERM".equals(name);
      Signal.handle(new Signal(name), signal -> {
        if (!started.compareAndSet(false, true)) {
          return;
        }
        Thread drain = new Thread(() -> {
          LOG.info("{} received SIG{}: shutting down gracefully", processName, name);
          boolean clean = runQuietly(processName, shutdown, delayed);
          System.exit(clean ? 0 : 1);
        }, processName + "-drain");
        drain.start();
      });
    }
  }

  private static boolean runQuietly(String processName, Shutdown shutdown, boolean delayed) {
    try {
      shutdown.run(delayed);
      LOG.info("{} stopped", processName);
      return true;
    } catch (Exception | Error e) {
      LOG.error("{} did not stop cleanly: {}", processName, e.toString());
      return false;
    }
  }
}
