package io.onegate.billing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Removes the temporary data directories tests and benchmarks create (embedded PostgreSQL, child-JVM logs). */
public final class TestFiles {
  private TestFiles() {
  }

  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory: the OS cleans it eventually
    }
  }
}
