package io.onegate.deploy.files;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Typed access to parsed YAML trees: a missing key is an error naming the path, never a silent null. */
public final class Yamls {
  private Yamls() {
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object node) {
    if (!(node instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("expected a mapping, got " + node);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    ((Map<Object, Object>) m).forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  @SuppressWarnings("unchecked")
  public static List<Object> list(Object node) {
    if (!(node instanceof List<?> l)) {
      throw new IllegalArgumentException("expected a list, got " + node);
    }
    return (List<Object>) l;
  }

  /** The node at {@code path} (dot-separated keys); throws when any key is missing. */
  public static Object at(Map<String, Object> root, String path) {
    Object node = root;
    for (String key : path.split("\\.")) {
      Map<String, Object> m = map(node);
      if (!m.containsKey(key)) {
        throw new IllegalArgumentException("no '" + key + "' (of " + path + ") in " + m.keySet());
      }
      node = m.get(key);
    }
    return node;
  }

  /** The node at {@code path}, or null when a key on the way is missing. */
  public static Object find(Map<String, Object> root, String path) {
    Object node = root;
    for (String key : path.split("\\.")) {
      if (!(node instanceof Map<?, ?> m) || !m.containsKey(key)) {
        return null;
      }
      node = m.get(key);
    }
    return node;
  }

  public static String string(Map<String, Object> root, String path) {
    return String.valueOf(at(root, path));
  }

  public static Map<String, Object> mapAt(Map<String, Object> root, String path) {
    return map(at(root, path));
  }

  public static List<Object> listAt(Map<String, Object> root, String path) {
    return list(at(root, path));
  }

  /** A deep copy of {@code base} with {@code patch} merged in: maps merge key by key, anything else is replaced. */
  public static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> patch) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    patch.forEach((key, value) -> {
      Object old = out.get(key);
      if (old instanceof Map<?, ?> && value instanceof Map<?, ?>) {
        out.put(key, merge(map(old), map(value)));
      } else {
        out.put(key, value);
      }
    });
    return out;
  }
}
