package io.onegate.health.policy;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import java.time.Duration;

/**
 * The environment half of the health rules (the option half is {@link Switches}).
 *
 * @param window     the error-rate window holds at most this many recent attempts per channel
 * @param windowAge  attempts older than this leave the window (and older outcomes are ignored on arrival)
 * @param minSamples the error-rate rule judges a channel only with at least this many attempts in its window
 * @param threshold  failure fraction at or above which the rule trips; 0 turns the rule off
 * @param cooldown   minimum time between two automatic status flips of one channel (dead keys excepted)
 */
public record HealthRules(int window, Duration windowAge, int minSamples, double threshold, Duration cooldown) {

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
        Duration.ofSeconds(config.get(Settings.HEALTH_FLIP_COOLDOWN)));
  }
}
