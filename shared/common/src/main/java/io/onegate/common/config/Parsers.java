package io.onegate.common.config;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Parsers for {@link Setting}s. Each throws IllegalArgumentException on a bad value. */
final class Parsers {
  private Parsers() {
  }

  static Function<String, Integer> intRange(int min, int max) {
    return raw -> {
      int value;
      try {
        value = Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a whole number");
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException("out of range");
      }
      return value;
    };
  }

  static Function<String, Double> doubleRange(double min, double max) {
    return raw -> {
      double value;
      try {
        value = Double.parseDouble(raw);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a number");
      }
      if (!(value >= min && value <= max)) {
        throw new IllegalArgumentException("out of range");
      }
      return value;
    };
  }

  /** Only "true" and "false" (any case): One API treats every other value as false, we refuse it. */
  static Boolean bool(String raw) {
    if (raw.equalsIgnoreCase("true")) {
      return true;
    }
    if (raw.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException("");
  }

  static String string(String raw) {
    return raw;
  }

  static Function<String, String> oneOf(String... allowed) {
    Set<String> set = Set.of(allowed);
    return raw -> {
      String lower = raw.toLowerCase();
      if (!set.contains(lower)) {
        throw new IllegalArgumentException("");
      }
      return lower;
    };
  }

  static String postgresDsn(String raw) {
    if (!raw.startsWith("postgres://") && !raw.startsWith("postgresql://")) {
      throw new IllegalArgumentException("");
    }
    PostgresDsn.parse(raw);
    return raw;
  }

  static List<String> list(String raw) {
    return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  static List<String> hostPortList(String raw) {
    List<String> items = list(raw);
    for (String item : items) {
      int colon = item.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("'" + item + "' has no port");
      }
      intRange(1, 65535).apply(item.substring(colon + 1));
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException("empty list");
    }
    return items;
  }

  static String sessionSecret(String raw) {
    if (raw.equals("random_string")) {
      throw new IllegalArgumentException("the example value random_string is refused");
    }
    if (raw.length() < 16) {
      throw new IllegalArgumentException("at least 16 characters");
    }
    return raw;
  }
}
