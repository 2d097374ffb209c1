package io.onegate.deploy.files;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container of a Kubernetes workload (Deployment or StatefulSet) with its pod spec, and its environment as the
 * kubelet builds it: {@code envFrom} ConfigMaps/Secrets of the same build first, then {@code env} entries, with
 * {@code $(NAME)} references to earlier entries expanded.
 *
 * @param source   the file or kustomization it comes from, for messages
 * @param workload the Deployment/StatefulSet document
 * @param docs     every document of the same build (to resolve ConfigMaps and Secrets)
 */
public record PodContainer(String source, Map<String, Object> workload, Map<String, Object> container,
                           List<Map<String, Object>> docs) {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  /** How a variable gets its value. {@code value} is empty for fieldRef (filled in by Kubernetes at run time). */
  public record EnvValue(String name, Optional<String> value, String origin) {
  }

  public static List<PodContainer> of(String source, List<Map<String, Object>> docs) {
    List<PodContainer> out = new ArrayList<>();
    for (Map<String, Object> doc : docs) {
      if ("Deployment".equals(doc.get("kind")) || "StatefulSet".equals(doc.get("kind"))) {
        for (Object container : Yamls.listAt(doc, "spec.template.spec.containers")) {
          out.add(new PodContainer(source, doc, Yamls.map(container), docs));
        }
      }
    }
    return out;
  }

  public String name() {
    return Yamls.string(workload, "metadata.name") + "/" + Yamls.string(container, "name");
  }

  public String image() {
    return Yamls.string(container, "image");
  }

  public Map<String, Object> podSpec() {
    return Yamls.mapAt(workload, "spec.template.spec");
  }

  public Map<String, Object> podLabels() {
    return Yamls.mapAt(workload, "spec.template.metadata.labels");
  }

  public Map<String, Object> podAnnotations() {
    Object annotations = Yamls.find(workload, "spec.template.metadata.annotations");
    return annotations == null ? Map.of() : Yamls.map(annotations);
  }

  /** The container port with that name, or the number itself. */
  public int port(Object nameOrNumber) {
    if (nameOrNumber instanceof Integer number) {
      return number;
    }
    for (Object port : Yamls.listAt(container, "ports")) {
      Map<String, Object> p = Yamls.map(port);
      if (String.valueOf(nameOrNumber).equals(p.get("name"))) {
        return (Integer) p.get("containerPort");
      }
    }
    throw new IllegalArgumentException(name() + " has no port named " + nameOrNumber);
  }

  /** The {@code httpGet} of a probe ("startupProbe", "livenessProbe", "readinessProbe"), if the probe exists. */
  public Optional<Map<String, Object>> httpProbe(String probe) {
    Object node = Yamls.find(container, probe + ".httpGet");
    return node == null ? Optional.empty() : Optional.of(Yamls.map(node));
  }

  /** The environment in the order the kubelet applies it; later entries win. */
  public Map<String, EnvValue> environment() {
    Map<String, EnvValue> env = new LinkedHashMap<>();
    Object envFrom = container.get("envFrom");
    for (Object source : envFrom == null ? List.of() : Yamls.list(envFrom)) {
      Map<String, Object> from = Yamls.map(source);
      if (from.containsKey("configMapRef")) {
        String name = Yamls.string(from, "configMapRef.name");
        Yamls.mapAt(Kustomize.find(docs, "ConfigMap", name), "data")
            .forEach((k, v) -> env.put(k, new EnvValue(k, Optional.of(String.valueOf(v)), "ConfigMap " + name)));
      } else if (from.containsKey("secretRef")) {
        String name = Yamls.string(from, "secretRef.name");
        secretData(name).forEach((k, v) -> env.put(k, new EnvValue(k, Optional.of(v), "Secret " + name)));
      } else {
        throw new IllegalArgumentException(name() + ": envFrom not understood: " + from);
      }
    }
    Object entries = container.get("env");
    for (Object entry : entries == null ? List.of() : Yamls.list(entries)) {
      Map<String, Object> e = Yamls.map(entry);
      String name = Yamls.string(e, "name");
      if (e.containsKey("value")) {
        env.put(name, new EnvValue(name, Optional.of(expand(String.valueOf(e.get("value")), env)), "value"));
      } else if (Yamls.find(e, "valueFrom.secretKeyRef") != null) {
        String secret = Yamls.string(e, "valueFrom.secretKeyRef.name");
        String key = Yamls.string(e, "valueFrom.secretKeyRef.key");
        Optional<String> value = secretIsInBuild(secret) ? Optional.of(secretValue(secret, key)) : Optional.empty();
        env.put(name, new EnvValue(name, value, "Secret " + secret + " key " + key));
      } else if (Yamls.find(e, "valueFrom.fieldRef") != null) {
        env.put(name, new EnvValue(name, Optional.empty(), "field " + Yamls.string(e, "valueFrom.fieldRef.fieldPath")));
      } else {
        throw new IllegalArgumentException(name() + ": env entry not understood: " + e);
      }
    }
    return env;
  }

  /** Names referenced as {@code $(NAME)} in the literal {@code env} values of this container. */
  public List<String> referencedNames() {
    List<String> out = new ArrayList<>();
    Object entries = container.get("env");
    for (Object entry : entries == null ? List.of() : Yamls.list(entries)) {
      Object value = Yamls.map(entry).get("value");
      if (value != null) {
        Matcher m = REFERENCE.matcher(String.valueOf(value));
        while (m.find()) {
          out.add(m.group(1));
        }
      }
    }
    return out;
  }

  private boolean secretIsInBuild(String name) {
    return docs.stream().anyMatch(d -> "Secret".equals(d.get("kind")) && name.equals(Yamls.find(d, "metadata.name")));
  }

  private Map<String, String> secretData(String name) {
    Map<String, Object> secret = Kustomize.find(docs, "Secret", name);
    Map<String, String> out = new LinkedHashMap<>();
    Yamls.mapAt(secret, "stringData").forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  private String secretValue(String secret, String key) {
    String value = secretData(secret).get(key);
    if (value == null) {
      throw new IllegalArgumentException(name() + " reads key " + key + " that Secret " + secret + " does not have");
    }
    return value;
  }

  /** Kubernetes' dependent variables: {@code $(NAME)} of an earlier entry with a known value is replaced. */
  private static String expand(String value, Map<String, EnvValue> earlier) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      EnvValue ref = earlier.get(m.group(1));
      String replacement = ref == null ? m.group() : ref.value().orElse("fromFieldOrSecret");
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
