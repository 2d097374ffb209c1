package io.onegate.testkit;

import io.onegate.common.event.AttemptOutcome;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.event.UsageSink;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link UsageSink} that queues what it receives (OkHttp's {@code RecordingEventListener} idea): tests take
 * usage events and attempt outcomes in arrival order and assert that nothing else arrived. It also checks the
 * sink's calling contract: a call made off a Vert.x event-loop thread is reported by the next take or
 * {@link #assertNothingElse}. Thread-safe.
 */
public final class RecordingUsageSink implements UsageSink {
  private static final Duration TAKE_TIMEOUT = Duration.ofSeconds(15);

  private final BlockingQueue<UsageEvent> usage = new LinkedBlockingQueue<>();
  private final BlockingQueue<AttemptOutcome> outcomes = new LinkedBlockingQueue<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private volatile Consumer<UsageEvent> probe = e -> { };

  @Override
  public void usage(UsageEvent event) {
    checkThread("usage " + event.requestId());
    probe.accept(event);
    usage.add(event);
  }

  @Override
  public void outcome(AttemptOutcome outcome) {
    checkThread("outcome " + outcome.attemptId());
    outcomes.add(outcome);
  }

  /** Runs {@code check} on the caller's thread with every usage event, before it is queued (ordering tests). */
  public RecordingUsageSink onUsage(Consumer<UsageEvent> check) {
    this.probe = check;
    return this;
  }

  /** The next usage event, waiting for it up to 15 s; fails when none arrives. */
  public UsageEvent takeUsage() {
    return take(usage, "usage event");
  }

  /** The next attempt outcome, waiting for it up to 15 s; fails when none arrives. */
  public AttemptOutcome takeOutcome() {
    return take(outcomes, "attempt outcome");
  }

  /** Fails when any usage event or outcome is left in the queues (or a call broke the threading contract). */
  public void assertNothingElse() {
    assertContract();
    List<Object> left = new ArrayList<>(usage);
    left.addAll(outcomes);
    if (!left.isEmpty()) {
      throw new AssertionError("unexpected events left: " + left);
    }
  }

  /** Drops everything received so far. */
  public void clear() {
    usage.clear();
    outcomes.clear();
  }

  private <T> T take(BlockingQueue<T> queue, String what) {
    assertContract();
    try {
      T next = queue.poll(TAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (next == null) {
        throw new AssertionError("no " + what + " within " + TAKE_TIMEOUT);
      }
      return next;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a " + what, e);
    }
  }

  private void checkThread(String what) {
    if (!Context.isOnEventLoopThread()) {
      violations.add(what + " on " + Thread.currentThread().getName() + ", not on an event loop");
    }
  }

  private void assertContract() {
    if (!violations.isEmpty()) {
      throw new AssertionError("UsageSink called off the event loop: " + violations);
    }
  }
}
