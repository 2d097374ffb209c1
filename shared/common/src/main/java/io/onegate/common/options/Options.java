package io.onegate.common.options;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.HashMap;
import java.util.Map;

/**
 * An immutable snapshot of One API's run-time options ({@code options} table, key → string value) over
 * {@link OptionDefaults}. Typed getters never throw: a malformed stored value falls back to the default.
 */
public final class Options {
  private final Map<String, String> values;

  private Options(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Options defaults() {
    return new Options(OptionDefaults.ALL);
  }

  /** Defaults overlaid with {@code stored}. */
  public static Options of(Map<String, String> stored) {
    Map<String, String> merged = new HashMap<>(OptionDefaults.ALL);
    stored.forEach((k, v) -> {
      if (k != null && v != null) {
        merged.put(k, v);
      }
    });
    return new Options(merged);
  }

  /** Loads every stored option (start-up, change notices and the SYNC_FREQUENCY backstop; never per request). */
  public static Future<Options> load(Pool pg) {
    return pg.query("SELECT key, value FROM options").execute().map(rows -> {
      Map<String, String> stored = new HashMap<>();
      for (Row row : rows) {
        stored.put(row.getString("key"), row.getString("value"));
      }
      return of(stored);
    });
  }

  public String get(String key) {
    return values.getOrDefault(key, "");
  }

  public boolean bool(String key) {
    return "true".equalsIgnoreCase(values.get(key));
  }

  public long longValue(String key) {
    try {
      return Long.parseLong(values.get(key).trim());
    } catch (RuntimeException e) {
      return Long.parseLong(OptionDefaults.ALL.getOrDefault(key, "0"));
    }
  }

  public double doubleValue(String key) {
    try {
      return Double.parseDouble(values.get(key).trim());
    } catch (RuntimeException e) {
      return Double.parseDouble(OptionDefaults.ALL.getOrDefault(key, "0"));
    }
  }

  public Map<String, String> asMap() {
    return values;
  }
}
