package io.onegate.deploy.files;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Compose file's services, their environment and Compose's {@code ${VAR}} interpolation. */
public final class Compose {
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

  private Compose() {
  }

  /** One service of a Compose file. */
  public record Service(String name, Map<String, Object> node) {
    public Optional<String> image() {
      return Optional.ofNullable(node.get("image")).map(String::valueOf);
    }

    public Optional<String> buildTarget() {
      Object build = node.get("build");
      return build instanceof Map<?, ?> ? Optional.ofNullable(Yamls.map(build).get("target")).map(String::valueOf)
          : Optional.empty();
    }

    /** The environment as written (map or list form), values not interpolated. */
    public Map<String, String> environment() {
      Object env = node.get("environment");
      Map<String, String> out = new LinkedHashMap<>();
      if (env instanceof Map<?, ?>) {
        Yamls.map(env).forEach((k, v) -> out.put(k, v == null ? "" : String.valueOf(v)));
      } else if (env != null) {
        for (Object item : Yamls.list(env)) {
          String[] kv = String.valueOf(item).split("=", 2);
          out.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
      }
      return out;
    }

    public Optional<String> ipv4Address(String network) {
      return Optional.ofNullable(Yamls.find(node, "networks." + network + ".ipv4_address")).map(String::valueOf);
    }
  }

  /** A variable reference: {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME:?message}} …. */
  public record Variable(String name, Optional<String> defaultValue, boolean required) {
  }

  public static Map<String, Service> services(Map<String, Object> composeDoc) {
    Map<String, Service> out = new LinkedHashMap<>();
    Yamls.mapAt(composeDoc, "services").forEach((name, node) -> out.put(name, new Service(name, Yamls.map(node))));
    return out;
  }

  /** Every interpolated variable in the file's text. */
  public static List<Variable> variables(String text) {
    List<Variable> out = new ArrayList<>();
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) {
      String op = m.group(2);
      boolean isDefault = op != null && op.endsWith("-");
      out.add(new Variable(m.group(1), isDefault ? Optional.of(m.group(3)) : Optional.empty(),
          op != null && op.endsWith("?")));
    }
    return out;
  }

  /** {@code value} with each variable replaced by {@code lookup}'s value, else its default. */
  public static String interpolate(String value, Function<String, Optional<String>> lookup) {
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String op = m.group(2);
      Optional<String> found = lookup.apply(m.group(1));
      String replacement = found.orElseGet(() -> op != null && op.endsWith("-") ? m.group(3) : "");
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
