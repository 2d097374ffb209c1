package io.onegate.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.onegate.health.policy.Decision;
import io.onegate.health.probe.TestReport;
import io.onegate.health.state.StatusChange;
import java.util.function.BooleanSupplier;

/**
 * The health worker's meters: automatic status changes ({@code onegate.health.status.changes}, tag {@code to}),
 * holds placed ({@code onegate.health.holds}, tag {@code kind}: cool_down, breaker_open) and breakers closed
 * ({@code onegate.health.breaker.closes}), channel tests ({@code onegate.health.tests}, tag {@code result}) and
 * whether this worker leads scheduled tests ({@code onegate.health.test.leader}). No channel ids as tags
 * (cardinality).
 */
final class HealthMeters {
  private final Counter disabled;
  private final Counter enabled;
  private final Counter passed;
  private final Counter failed;
  private final Counter coolDowns;
  private final Counter breakerOpens;
  private final Counter breakerCloses;

  HealthMeters(MeterRegistry registry, BooleanSupplier leader) {
    disabled = Counter.builder("onegate.health.status.changes").tag("to", "auto_disabled").register(registry);
    enabled = Counter.builder("onegate.health.status.changes").tag("to", "enabled").register(registry);
    passed = Counter.builder("onegate.health.tests").tag("result", "passed").register(registry);
    failed = Counter.builder("onegate.health.tests").tag("result", "failed").register(registry);
    coolDowns = Counter.builder("onegate.health.holds").tag("kind", "cool_down").register(registry);
    breakerOpens = Counter.builder("onegate.health.holds").tag("kind", "breaker_open").register(registry);
    breakerCloses = Counter.builder("onegate.health.breaker.closes").register(registry);
    Gauge.builder("onegate.health.test.leader", () -> leader.getAsBoolean() ? 1 : 0).register(registry);
  }

  void statusChanged(StatusChange change) {
    (change.disabled() ? disabled : enabled).increment();
  }

  void decided(Decision decision) {
    switch (decision.action()) {
      case COOL_DOWN -> coolDowns.increment();
      case OPEN_BREAKER -> breakerOpens.increment();
      case CLOSE_BREAKER -> breakerCloses.increment();
      default -> {
      }
    }
  }

  void tested(TestReport report) {
    (report.result().success() ? passed : failed).increment();
  }
}
