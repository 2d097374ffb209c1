package io.onegate.deploy.files;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a Sealos template the way Sealos' template engine would for the checks: {@code ${{ random(n) }}} becomes n
 * fixed characters, {@code defaults.*} and {@code inputs.*} their (default) values, and the system variables sample
 * values. Any other expression fails: the template is kept to forms these checks understand.
 */
public final class SealosTemplate {
  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*(.*?)\\s*}}");
  private static final Pattern RANDOM = Pattern.compile("random\\((\\d+)\\)");
  private static final Map<String, String> SYSTEM = Map.of(
      "SEALOS_NAMESPACE", "ns-checks",
      "SEALOS_CLOUD_DOMAIN", "cloud.example.com",
      "SEALOS_CERT_SECRET_NAME", "wildcard-cert");

  private SealosTemplate() {
  }

  /** Every document of the rendered template; the first is the Template resource itself. */
  public static List<Map<String, Object>> render(String text) {
    String randomized = replace(text, expression -> {
      Matcher random = RANDOM.matcher(expression);
      return random.matches() ? "k3x9q7m2".repeat(8).substring(0, Integer.parseInt(random.group(1))) : null;
    });
    Map<String, Object> template = RepoFiles.yamlDocuments(randomized.split("\n---\n", 2)[0]).get(0);
    Map<String, Object> spec = Yamls.mapAt(template, "spec");
    String rendered = replace(randomized, expression -> {
      if (SYSTEM.containsKey(expression)) {
        return SYSTEM.get(expression);
      }
      if (expression.startsWith("defaults.")) {
        return Yamls.string(spec, "defaults." + expression.substring("defaults.".length()) + ".value");
      }
      if (expression.startsWith("inputs.")) {
        return Yamls.string(spec, "inputs." + expression.substring("inputs.".length()) + ".default");
      }
      return null;
    });
    List<String> left = EXPRESSION.matcher(rendered).results().map(r -> r.group()).toList();
    if (!left.isEmpty()) {
      throw new IllegalArgumentException("expressions the checks do not render: " + left);
    }
    return RepoFiles.yamlDocuments(rendered);
  }

  private static String replace(String text, java.util.function.Function<String, String> resolver) {
    Matcher m = EXPRESSION.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = resolver.apply(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
