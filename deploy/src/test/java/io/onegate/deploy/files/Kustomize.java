package io.onegate.deploy.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Enough of {@code kustomize build} to check our manifests without the binary (not installed here): resources
 * (files and directories), components, strategic-merge patches by kind and name, and secretGenerator from env files.
 * A git-ignored env file that only exists as {@code <file>.example} is read from the example. Unknown kustomization
 * fields fail, so a new feature cannot slip past the checks unread. Names are not hashed and namespaces not set:
 * the checks compare names as written.
 */
public final class Kustomize {
  private static final Set<String> KNOWN = Set.of("apiVersion", "kind", "resources", "components", "patches",
      "secretGenerator", "namespace", "images", "labels");

  private Kustomize() {
  }

  /** The resources {@code dir}'s kustomization produces. */
  public static List<Map<String, Object>> build(Path dir) {
    Map<String, Object> kustomization = RepoFiles.yamlDocuments(dir.resolve("kustomization.yaml")).get(0);
    for (String key : kustomization.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException(dir + ": kustomization field not understood by the checks: " + key);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object entry : listOrEmpty(kustomization.get("resources"))) {
      Path resource = existing(dir, String.valueOf(entry));
      out.addAll(Files.isDirectory(resource) ? build(resource) : RepoFiles.yamlDocuments(resource));
    }
    for (Object entry : listOrEmpty(kustomization.get("components"))) {
      Path component = existing(dir, String.valueOf(entry));
      Map<String, Object> kind = RepoFiles.yamlDocuments(component.resolve("kustomization.yaml")).get(0);
      if (!"Component".equals(kind.get("kind"))) {
        throw new IllegalArgumentException(component + " is listed as a component but is a " + kind.get("kind"));
      }
      out.addAll(build(component));
    }
    for (Object entry : listOrEmpty(kustomization.get("secretGenerator"))) {
      Map<String, Object> generator = Yamls.map(entry);
      Map<String, Object> data = new LinkedHashMap<>();
      for (Object envs : Yamls.listAt(generator, "envs")) {
        data.putAll(envFile(dir, String.valueOf(envs)));
      }
      out.add(Map.of("apiVersion", "v1", "kind", "Secret",
          "metadata", Map.of("name", Yamls.string(generator, "name")), "stringData", data));
    }
    for (Object entry : listOrEmpty(kustomization.get("patches"))) {
      Map<String, Object> patch = RepoFiles.yamlDocuments(existing(dir, Yamls.string(Yamls.map(entry), "path")))
          .get(0);
      int target = indexOf(out, Yamls.string(patch, "kind"), Yamls.string(patch, "metadata.name"));
      out.set(target, Yamls.merge(out.get(target), patch));
    }
    return out;
  }

  /** The document of that kind and name; throws when absent. */
  public static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
    return docs.get(indexOf(docs, kind, name));
  }

  private static int indexOf(List<Map<String, Object>> docs, String kind, String name) {
    for (int i = 0; i < docs.size(); i++) {
      if (kind.equals(docs.get(i).get("kind")) && name.equals(Yamls.find(docs.get(i), "metadata.name"))) {
        return i;
      }
    }
    throw new IllegalArgumentException("no " + kind + " named " + name);
  }

  private static Map<String, String> envFile(Path dir, String name) {
    Path file = dir.resolve(name);
    Path example = dir.resolve(name + ".example");
    if (Files.exists(file)) {
      return RepoFiles.envFile(file);
    }
    return RepoFiles.envFile(existing(dir, example.getFileName().toString()));
  }

  private static Path existing(Path dir, String relative) {
    Path path = dir.resolve(relative).normalize();
    if (!Files.exists(path)) {
      throw new IllegalArgumentException(dir.resolve("kustomization.yaml") + " names a missing " + relative);
    }
    return path;
  }

  private static List<Object> listOrEmpty(Object node) {
    return node == null ? List.of() : Yamls.list(node);
  }
}
