package io.onegate.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measured figures a test reports (counts, latencies quoted in the issue notes), logged on one line at INFO —
 * surefire keeps them in {@code target/surefire-reports/*-output.txt}. The assertions stay in the test.
 */
public final class Figures {
  private static final Logger LOG = LoggerFactory.getLogger("io.onegate.figures");

  private Figures() {
  }

  /** Logs {@code String.format(format, args)} (a trailing {@code %n} is dropped). */
  public static void report(String format, Object... args) {
    if (LOG.isInfoEnabled()) {
      LOG.info(String.format(format, args).stripTrailing());
    }
  }
}
