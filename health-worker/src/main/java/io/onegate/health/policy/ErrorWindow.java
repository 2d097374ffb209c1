package io.onegate.health.policy;

import java.util.ArrayDeque;

/** The recent attempts of one channel: at most {@code capacity} entries, none older than the window age. */
final class ErrorWindow {
  private record Sample(long atMillis, boolean failed) {
  }

  private final ArrayDeque<Sample> samples = new ArrayDeque<>();
  private int failures;

  void add(long atMillis, boolean failed, int capacity) {
    samples.addLast(new Sample(atMillis, failed));
    if (failed) {
      failures++;
    }
    while (samples.size() > capacity) {
      dropFirst();
    }
  }

  void expire(long oldestAllowedMillis) {
    while (!samples.isEmpty() && samples.peekFirst().atMillis() < oldestAllowedMillis) {
      dropFirst();
    }
  }

  int size() {
    return samples.size();
  }

  int failures() {
    return failures;
  }

  void clear() {
    samples.clear();
    failures = 0;
  }

  private void dropFirst() {
    if (samples.removeFirst().failed()) {
      failures--;
    }
  }
}
