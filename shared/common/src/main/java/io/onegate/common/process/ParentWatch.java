package io.onegate.common.process;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process started by another JVM (the local cluster, a test) with {@code -Donegate.parent.pid=<pid>} exits when
 * that parent is gone, even if the parent died by {@code kill -9} and could not stop its children: nothing is left
 * running for a later run to find (no cleanup by process name needed). The exit runs the shutdown hooks, so the
 * process still stops in order.
 */
public final class ParentWatch {
  static final String PROPERTY = "onegate.parent.pid";
  private static final Logger LOG = LoggerFactory.getLogger(ParentWatch.class);

  private ParentWatch() {
  }

  /** Watches the parent named by the system property, if any. */
  public static void install() {
    String pid = System.getProperty(PROPERTY);
    if (pid == null || pid.isBlank()) {
      return;
    }
    Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid.trim()));
    if (parent.isEmpty()) {
      LOG.warn("parent process {} is already gone: exiting", pid);
      System.exit(1);
      return;
    }
    parent.get().onExit().thenRun(() -> {
      LOG.warn("parent process {} exited: stopping", pid);
      new Thread(() -> System.exit(1), "parent-gone-exit").start();
    });
  }
}
