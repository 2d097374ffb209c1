package io.onegate.common.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Validated settings of one process. Every setting in {@link Settings#ALL} is parsed at construction, so a bad
 * value stops start-up before anything listens. Immutable; {@link #with} derives a copy (the standalone launcher
 * fills in addresses of its embedded servers that way).
 */
public final class Config {
  private final Map<String, String> raw;
  private final Map<String, Object> values;

  private Config(Map<String, String> raw) {
    this.raw = Map.copyOf(raw);
    Map<String, Object> parsed = new HashMap<>();
    for (Setting<?> setting : Settings.ALL) {
      setting.parse(raw.get(setting.name())).ifPresent(v -> parsed.put(setting.name(), v));
    }
    this.values = Map.copyOf(parsed);
    checkCombinations();
  }

  /** Rules that involve two settings. */
  private void checkCombinations() {
    int replicas = get(Settings.KAFKA_REPLICATION_FACTOR);
    int minInSync = get(Settings.KAFKA_MIN_INSYNC_REPLICAS);
    if (minInSync > replicas) {
      throw new ConfigException(Settings.KAFKA_MIN_INSYNC_REPLICAS.name() + "=" + minInSync + " is invalid: expected "
          + "at most KAFKA_REPLICATION_FACTOR (" + replicas + ")");
    }
  }

  /** Reads the process environment. */
  public static Config fromEnvironment() {
    return of(System.getenv());
  }

  /** Reads the given variables (tests and launchers); unknown keys are kept but ignored. */
  public static Config of(Map<String, String> env) {
    Map<String, String> copy = new HashMap<>();
    env.forEach((k, v) -> {
      if (k != null && v != null) {
        copy.put(k, v);
      }
    });
    return new Config(copy);
  }

  /** A copy with {@code name} set to {@code value} (validated). */
  public Config with(Setting<?> setting, Object value) {
    Map<String, String> copy = new HashMap<>(raw);
    copy.put(setting.name(), String.valueOf(value));
    return new Config(copy);
  }

  /** The value, or its default; throws if the setting has neither (use {@link #find} for optional ones). */
  public <T> T get(Setting<T> setting) {
    return find(setting).orElseThrow(() -> new ConfigException(setting.name() + " is not set: expected "
        + setting.type()));
  }

  @SuppressWarnings("unchecked")
  public <T> Optional<T> find(Setting<T> setting) {
    return Optional.ofNullable((T) values.get(setting.name()));
  }

  /** The raw environment this config was built from (for child processes). */
  public Map<String, String> raw() {
    return raw;
  }
}
