package io.onegate.common.process;

/**
 * JVM-wide defaults every OneGate process sets first thing in {@code main}, before any library touches them.
 *
 * <p>On a machine with fewer than three cores the common ForkJoinPool has parallelism 1, and then
 * {@code CompletableFuture}'s async methods — which Hazelcast's async API and the Kafka clients use for callbacks —
 * start a <em>new thread per callback</em> (tens of thousands in a billing run). A parallelism of at least 2 makes
 * them use the pool. An explicit {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism} wins.
 */
public final class JvmDefaults {
  static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private JvmDefaults() {
  }

  public static void apply() {
    if (System.getProperty(PARALLELISM) == null && Runtime.getRuntime().availableProcessors() < 3) {
      System.setProperty(PARALLELISM, "2");
    }
  }
}
