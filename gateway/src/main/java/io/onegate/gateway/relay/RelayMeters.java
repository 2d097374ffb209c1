package io.onegate.gateway.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Relay request meters, registered once: {@code onegate_relay_requests_total{status="2xx"…}} and the
 * {@code onegate_relay_request_seconds} timer (time to the response's end, streams included). Recording is a
 * counter increment and a timer update with no per-request tag lookup — cheaper than the per-request HTTP server
 * meters Vert.x would add (those are off, see ProcessRuntime).
 */
public final class RelayMeters {
  private static final RelayMeters NONE = new RelayMeters(null, null);
  private final Counter[] byStatusClass;
  private final Timer latency;

  private RelayMeters(Counter[] byStatusClass, Timer latency) {
    this.byStatusClass = byStatusClass;
    this.latency = latency;
  }

  /** Meters on {@code registry}. */
  public static RelayMeters on(MeterRegistry registry) {
    Counter[] counters = new Counter[5];
    for (int i = 0; i < counters.length; i++) {
      counters[i] = Counter.builder("onegate.relay.requests").tag("status", (i + 1) + "xx")
          .description("Relay (/v1) responses by status class").register(registry);
    }
    Timer timer = Timer.builder("onegate.relay.request").description("Relay (/v1) request to response end")
        .register(registry);
    return new RelayMeters(counters, timer);
  }

  /** Records nothing (tests that mount the relay without a registry). */
  public static RelayMeters none() {
    return NONE;
  }

  public void record(int status, long nanos) {
    if (latency == null) {
      return;
    }
    int statusClass = status / 100 - 1;
    if (statusClass >= 0 && statusClass < byStatusClass.length) {
      byStatusClass[statusClass].increment();
    }
    latency.record(nanos, TimeUnit.NANOSECONDS);
  }
}
