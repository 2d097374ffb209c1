package io.onegate.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that another thread or process makes true (a row the billing worker writes, a notice a
 * second node applies): re-checks it with a short back-off until it holds or the deadline passes, then fails with
 * the last assertion error. The one place tests wait; never a fixed sleep.
 */
public final class Eventually {
  /** An assertion that may throw (AssertJ, JUnit, or a checked exception from a client call). */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  private Eventually() {}

  /** Re-runs {@code check} until it passes; after {@code timeout} rethrows its last failure. */
  public static void eventually(Duration timeout, Check check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMillis = 5;
    while (true) {
      try {
        check.run();
        return;
      } catch (Throwable failure) {
        if (failure instanceof VirtualMachineError vme) {
          throw vme;
        }
        if (System.nanoTime() - deadline >= 0) {
          AssertionError timedOut = new AssertionError("still failing after " + timeout + ": " + failure, failure);
          throw timedOut;
        }
      }
      pause(pauseMillis);
      pauseMillis = Math.min(pauseMillis * 2, 200);
    }
  }

  /** Waits until {@code condition} is true; {@code what} names it in the failure. */
  public static void eventually(Duration timeout, String what, BooleanSupplier condition) {
    eventually(timeout, () -> {
      if (!condition.getAsBoolean()) {
        throw new AssertionError("not yet: " + what);
      }
    });
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
