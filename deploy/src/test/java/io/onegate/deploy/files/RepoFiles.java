package io.onegate.deploy.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The repository's files as the deployment tests read them: paths from the root, text, YAML documents, env files. */
public final class RepoFiles {
  /** The repository root (the deploy module's parent; tests run in the module directory). */
  public static final Path ROOT = locateRoot();

  private RepoFiles() {
  }

  public static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  public static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every non-empty YAML document of the file, parsed safely (merge keys {@code <<} are resolved). */
  public static List<Map<String, Object>> yamlDocuments(String text) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
      if (doc == null) {
        continue;
      }
      if (!(doc instanceof Map<?, ?>)) {
        throw new IllegalArgumentException("a YAML document is not a mapping: " + doc);
      }
      docs.add(Yamls.map(doc));
    }
    return docs;
  }

  public static List<Map<String, Object>> yamlDocuments(Path file) {
    return yamlDocuments(read(file));
  }

  /** {@code KEY=value} lines of an env file (comments and blank lines skipped), in file order. */
  public static Map<String, String> envFile(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : read(file).split("\n")) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(file + ": not KEY=value: " + line);
      }
      out.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
    }
    return out;
  }

  /** Files under {@code dir} (relative to the root) whose names end with one of {@code suffixes}, sorted. */
  public static List<Path> filesUnder(String dir, String... suffixes) {
    try (Stream<Path> walk = Files.walk(path(dir))) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> Stream.of(suffixes).anyMatch(s -> p.getFileName().toString().endsWith(s)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path locateRoot() {
    Path here = Path.of("").toAbsolutePath();
    for (Path candidate = here; candidate != null; candidate = candidate.getParent()) {
      if (Files.exists(candidate.resolve("deploy/docker/Dockerfile")) && Files.exists(candidate.resolve("pom.xml"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("repository root not found above " + here);
  }
}
