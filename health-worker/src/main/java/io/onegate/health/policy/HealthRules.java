package io.onegate.health.policy;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import java.time.Duration;

/**
 * The environment half of the health rules (the option half is {@link Switches}).
 *
 * @param window     the breaker's error-rate window holds at most this many recent attempts per channel
 * @param windowAge  attempts older than this leave the window (and older outcomes are ignored on arrival)
 * @param minSamples the error-rate rule judges a channel only with at least this many attempts in its window
 * @param threshold  transient-failure fraction at or above which the breaker opens; 0 turns the rule off
 * @param cooldown   minimum time between two automatic status flips of one channel (dead keys excepted)
 * @param holds      cool-downs after 429s and the circuit breaker's timing
 */
public record HealthRules(int window, Duration windowAge, int minSamples, double threshold, Duration cooldown,
                          Holds holds) {

  /**
   * @param consecutiveFailures transient failures in a row that open the breaker; 0 turns the rule off
   * @param breakerOpen         time from opening (or a failed probe) to the next probe; zero turns breakers off
   * @param breakerMaxOpen      cap of the doubling back-off between failed probes
   * @param probeGrace          the hold outlasts the probe time by this much, so gateways keep skipping the channel
   *                            while it is probed (the probe's timeout); a worker that dies lets the hold lapse
   * @param rateLimitCooldown   cool-down after a 429 without retry-after; zero: only a retry-after cools down
   * @param rateLimitMaxCooldown longest cool-down a retry-after can ask for; zero turns cool-downs off
   */
  public record Holds(int consecutiveFailures, Duration breakerOpen, Duration breakerMaxOpen, Duration probeGrace,
                      Duration rateLimitCooldown, Duration rateLimitMaxCooldown) {

    public static Holds fromConfig(Config config) {
      return new Holds(config.get(Settings.HEALTH_BREAKER_CONSECUTIVE_FAILURES),
          Duration.ofSeconds(config.get(Settings.HEALTH_BREAKER_OPEN_SECONDS)),
          Duration.ofSeconds(config.get(Settings.HEALTH_BREAKER_MAX_OPEN_SECONDS)),
          Duration.ofSeconds(config.get(Settings.HEALTH_TEST_TIMEOUT)),
          Duration.ofSeconds(config.get(Settings.HEALTH_RATE_LIMIT_COOLDOWN_SECONDS)),
          Duration.ofSeconds(config.get(Settings.HEALTH_RATE_LIMIT_MAX_COOLDOWN_SECONDS)));
    }

    boolean breakersOn() {
      return !breakerOpen.isZero();
    }

    /** Time until the probe after the {@code trips}-th opening in a row (0-based): doubling, capped. */
    Duration openTime(int trips) {
      Duration open = breakerOpen;
      for (int i = 0; i < trips && open.compareTo(breakerMaxOpen) < 0; i++) {
        open = open.multipliedBy(2);
      }
      return open.compareTo(breakerMaxOpen) > 0 ? breakerMaxOpen : open;
    }

    /** The cool-down for a 429 that asked for {@code retryAfterMillis} (0: did not say); zero when none applies. */
    Duration coolDown(long retryAfterMillis) {
      Duration asked = retryAfterMillis > 0 ? Duration.ofMillis(retryAfterMillis) : rateLimitCooldown;
      return asked.compareTo(rateLimitMaxCooldown) > 0 ? rateLimitMaxCooldown : asked;
    }
  }

  public HealthRules {
    if (window < 1 || minSamples < 1 || threshold < 0 || threshold > 1) {
      throw new IllegalArgumentException("invalid health rules: window=" + window + " minSamples=" + minSamples
          + " threshold=" + threshold);
    }
  }

  public static HealthRules fromConfig(Config config) {
    return new HealthRules(config.get(Settings.HEALTH_ERROR_RATE_WINDOW),
        Duration.ofSeconds(config.get(Settings.HEALTH_ERROR_RATE_WINDOW_SECONDS)),
        config.get(Settings.HEALTH_ERROR_RATE_MIN_SAMPLES),
        config.get(Settings.HEALTH_ERROR_RATE_THRESHOLD),
        Duration.ofSeconds(config.get(Settings.HEALTH_FLIP_COOLDOWN)), Holds.fromConfig(config));
  }
}
