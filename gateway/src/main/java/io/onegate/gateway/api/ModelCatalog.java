package io.onegate.gateway.api;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Built-in model names per channel type: {@code GET /api/models} (type → list, the console's "fill in base
 * models") and {@code GET /api/channel/models} (the whole catalogue). The providers registry can replace
 * {@link BuiltInModels} with its adaptors' own lists.
 */
public interface ModelCatalog {

  /** Channel type id → its default model names. */
  Map<Integer, List<String>> byType();

  /** Every model name with the type that owns it first (for {@code owned_by}). */
  default Map<String, Integer> owners() {
    Map<String, Integer> out = new java.util.LinkedHashMap<>();
    byType().forEach((type, models) -> models.forEach(m -> out.putIfAbsent(m, type)));
    return out;
  }

  default Set<String> allModels() {
    Set<String> out = new LinkedHashSet<>();
    byType().values().forEach(out::addAll);
    return out;
  }

  static List<String> join(Collection<String> a, Collection<String> b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }
}
