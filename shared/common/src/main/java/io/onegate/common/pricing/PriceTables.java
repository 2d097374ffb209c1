package io.onegate.common.pricing;

import io.onegate.common.options.OptionDefaults;
import io.onegate.common.options.Options;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON-valued pricing options ({@code ModelRatio}, {@code CompletionRatio}, {@code GroupRatio},
 * {@code ModelPrice}) as maps: what each is in effect ({@link PriceBook} prices with exactly these maps and
 * {@code GET /api/option/} shows them, as One API does), which values are acceptable, and what is stored for an
 * edited map. {@code ModelRatio} and {@code CompletionRatio} extend built-in tables (a stored entry overrides the
 * built-in one), so only entries that differ from the built-ins are stored; {@code GroupRatio} and
 * {@code ModelPrice} are stored whole. Pure.
 */
public final class PriceTables {
  public static final String MODEL_RATIO = "ModelRatio";
  public static final String COMPLETION_RATIO = "CompletionRatio";
  public static final String GROUP_RATIO = "GroupRatio";
  public static final String MODEL_PRICE = "ModelPrice";
  /** Every option whose value is a JSON map. */
  public static final Set<String> KEYS = Set.of(MODEL_RATIO, COMPLETION_RATIO, GROUP_RATIO, MODEL_PRICE);
  /** The fields of a {@code ModelPrice} entry given as an object (USD). */
  public static final Set<String> PRICE_FIELDS = Set.of("input", "output", "per_call", "per_second",
      "per_million_characters");

  private PriceTables() {
  }

  /** Model ratios in effect: the built-in table overlaid with the option's entries. */
  public static Map<String, Double> modelRatios(Options options) {
    Map<String, Double> out = new TreeMap<>(DefaultRatios.MODEL);
    out.putAll(numbers(options.get(MODEL_RATIO)));
    return out;
  }

  /** Explicit completion ratios in effect (the name-prefix rules of {@link PriceBook} apply to other models). */
  public static Map<String, Double> completionRatios(Options options) {
    Map<String, Double> out = new TreeMap<>(DefaultRatios.COMPLETION);
    out.putAll(numbers(options.get(COMPLETION_RATIO)));
    return out;
  }

  /** Group ratios in effect: the option, or the default groups when it names none. */
  public static Map<String, Double> groupRatios(Options options) {
    Map<String, Double> groups = numbers(options.get(GROUP_RATIO));
    return groups.isEmpty() ? numbers(OptionDefaults.ALL.get(GROUP_RATIO)) : groups;
  }

  /** Per-model USD prices in effect: entries that are a number (per call) or an object of {@link #PRICE_FIELDS}. */
  public static JsonObject modelPrices(Options options) {
    JsonObject out = new JsonObject(new TreeMap<>());
    json(options.get(MODEL_PRICE)).forEach(e -> {
      if (e.getValue() instanceof Number n) {
        out.put(e.getKey(), n.doubleValue());
      } else if (e.getValue() instanceof JsonObject o) {
        JsonObject fields = new JsonObject(new TreeMap<>());
        o.forEach(f -> {
          if (PRICE_FIELDS.contains(f.getKey()) && f.getValue() instanceof Number n) {
            fields.put(f.getKey(), n.doubleValue());
          }
        });
        out.put(e.getKey(), fields);
      }
    });
    return out;
  }

  /** The map in effect for one of {@link #KEYS}, sorted by name. */
  public static JsonObject effective(String key, Options options) {
    return switch (key) {
      case MODEL_RATIO -> new JsonObject(new TreeMap<>(modelRatios(options)));
      case COMPLETION_RATIO -> new JsonObject(new TreeMap<>(completionRatios(options)));
      case GROUP_RATIO -> new JsonObject(new TreeMap<>(groupRatios(options)));
      case MODEL_PRICE -> modelPrices(options);
      default -> throw new IllegalArgumentException("not a JSON map option: " + key);
    };
  }

  /**
   * Parses and checks a submitted value of one of {@link #KEYS} (blank means an empty map): a JSON object of
   * non-negative numbers ({@code ModelPrice}: a number per call, or an object of {@link #PRICE_FIELDS}).
   *
   * @throws IllegalArgumentException with a message for the admin, naming the bad entry
   */
  public static JsonObject parse(String key, String value) {
    JsonObject map = value == null || value.isBlank() ? new JsonObject() : json(value, key);
    map.forEach(e -> {
      Object v = e.getValue();
      if (MODEL_PRICE.equals(key) && v instanceof JsonObject fields) {
        if (fields.isEmpty()) {
          throw new IllegalArgumentException(key + ": the price of " + abbreviate(e.getKey()) + " names no field ("
              + String.join(", ", new TreeSet<>(PRICE_FIELDS)) + ")");
        }
        fields.forEach(f -> {
          if (!PRICE_FIELDS.contains(f.getKey())) {
            throw new IllegalArgumentException(key + ": unknown price field " + abbreviate(f.getKey()) + " of "
                + abbreviate(e.getKey()));
          }
          nonNegative(key, e.getKey() + "." + f.getKey(), f.getValue());
        });
      } else {
        nonNegative(key, e.getKey(), v);
      }
    });
    return map;
  }

  /**
   * What to store for a checked submitted map: for the ratio tables only the entries that differ from the built-in
   * table, else the whole map; compact JSON with sorted names.
   */
  public static String storedForm(String key, JsonObject submitted) {
    Map<String, Double> builtIn = switch (key) {
      case MODEL_RATIO -> DefaultRatios.MODEL;
      case COMPLETION_RATIO -> DefaultRatios.COMPLETION;
      default -> Map.of();
    };
    JsonObject out = new JsonObject(new TreeMap<>());
    submitted.forEach(e -> {
      Double known = builtIn.get(e.getKey());
      if (known == null || !(e.getValue() instanceof Number n) || n.doubleValue() != known) {
        out.put(e.getKey(), e.getValue());
      }
    });
    return out.encode();
  }

  private static void nonNegative(String key, String entry, Object v) {
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
      throw new IllegalArgumentException(key + " must map names to non-negative numbers (bad entry: "
          + abbreviate(entry) + ")");
    }
  }

  private static Map<String, Double> numbers(String raw) {
    Map<String, Double> out = new TreeMap<>();
    json(raw).forEach(e -> {
      if (e.getValue() instanceof Number n) {
        out.put(e.getKey(), n.doubleValue());
      }
    });
    return out;
  }

  /** A stored value as a map; malformed or blank is empty (the relay never fails on a bad stored value). */
  private static JsonObject json(String raw) {
    try {
      return raw == null || raw.isBlank() ? new JsonObject() : new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      return new JsonObject();
    }
  }

  private static JsonObject json(String value, String key) {
    try {
      return new JsonObject(value);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException(key + " must be a JSON object of name -> "
          + (MODEL_PRICE.equals(key) ? "price" : "number"));
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
