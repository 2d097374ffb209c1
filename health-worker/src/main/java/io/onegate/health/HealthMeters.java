package io.onegate.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.onegate.health.probe.TestReport;
import io.onegate.health.state.StatusChange;
import java.util.function.BooleanSupplier;

/**
 * The health worker's meters: automatic status changes ({@code onegate.health.status.changes}, tag {@code to}),
 * channel tests ({@code onegate.health.tests}, tag {@code result}) and whether this worker leads scheduled tests
 * ({@code onegate.health.test.leader}). No channel ids as tags (cardinality).
 */
final class HealthMeters {
  private final Counter disabled;
  private final Counter enabled;
  private final Counter passed;
  private final Counter failed;

  HealthMeters(MeterRegistry registry, BooleanSupplier leader) {
    disabled = Counter.builder("onegate.health.status.changes").tag("to", "auto_disabled").register(registry);
    enabled = Counter.builder("onegate.health.status.changes").tag("to", "enabled").register(registry);
    passed = Counter.builder("onegate.health.tests").tag("result", "passed").register(registry);
    failed = Counter.builder("onegate.health.tests").tag("result", "failed").register(registry);
    Gauge.builder("onegate.health.test.leader", () -> leader.getAsBoolean() ? 1 : 0).register(registry);
  }

  void statusChanged(StatusChange change) {
    (change.disabled() ? disabled : enabled).increment();
  }

  void tested(TestReport report) {
    (report.result().success() ? passed : failed).increment();
  }
}
