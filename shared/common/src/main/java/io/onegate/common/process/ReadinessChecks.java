package io.onegate.common.process;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Named dependency checks (PostgreSQL, Kafka, Hazelcast …), each bounded by a timeout, and the process's draining
 * flag: once {@link #startDraining} was called the process is not ready, whatever its dependencies say.
 */
public final class ReadinessChecks {
  private final Vertx vertx;
  private final Map<String, Supplier<Future<?>>> checks = new ConcurrentHashMap<>();
  private final long timeoutMs;
  private volatile boolean draining;

  public ReadinessChecks(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  /** The process is shutting down: readiness turns DOWN for good (a load balancer stops sending it traffic). */
  public void startDraining() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  public ReadinessChecks add(String name, Supplier<Future<?>> check) {
    checks.put(name, check);
    return this;
  }

  /** Runs all checks; completes with name -> "UP" or "DOWN: reason". Never fails. */
  public Future<Map<String, String>> run() {
    List<String> names = List.copyOf(new java.util.TreeSet<>(checks.keySet()));
    Map<String, String> results = new LinkedHashMap<>();
    List<Future<?>> all = new java.util.ArrayList<>();
    for (String name : names) {
      Promise<Void> done = Promise.promise();
      Future<?> check;
      try {
        check = checks.get(name).get();
      } catch (RuntimeException e) {
        check = Future.failedFuture(e);
      }
      long timer = vertx.setTimer(timeoutMs, t -> done.tryFail("timed out after " + timeoutMs + " ms"));
      check.onComplete(ar -> {
        vertx.cancelTimer(timer);
        if (ar.succeeded()) {
          done.tryComplete();
        } else {
          done.tryFail(ar.cause());
        }
      });
      all.add(done.future().onComplete(ar -> {
        synchronized (results) {
          results.put(name, ar.succeeded() ? "UP" : "DOWN: " + ar.cause().getMessage());
        }
      }));
    }
    return Future.join(all).transform(ar -> {
      Map<String, String> ordered = new LinkedHashMap<>();
      synchronized (results) {
        names.forEach(n -> ordered.put(n, results.get(n)));
      }
      return Future.succeededFuture(ordered);
    });
  }
}
