package io.onegate.deploy.files;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instructions of a multi-stage Dockerfile that decide how an image runs: per stage its base, ENV, EXPOSE,
 * ENTRYPOINT (exec form), HEALTHCHECK, COPY, USER and VOLUME. A stage built {@code FROM} another stage inherits what
 * Docker inherits (environment, exposed ports, entrypoint, health check, user, volumes). No linter exists on these
 * machines; this reads only what the deployment tests check, and refuses instructions it does not know.
 */
public record Dockerfile(Map<String, Stage> stages) {
  private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");
  private static final Pattern ARG_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  /** One build stage. {@code entrypoint} is empty when the stage has none. */
  public record Stage(String name, String from, Map<String, String> env, List<Integer> exposed,
                      List<String> entrypoint, Optional<String> healthcheckCommand, List<Copy> copies,
                      Optional<String> user, List<String> volumes) {
  }

  /** {@code COPY [--from=stage] source target}. */
  public record Copy(Optional<String> fromStage, String source, String target) {
  }

  public Stage stage(String name) {
    Stage stage = stages.get(name);
    if (stage == null) {
      throw new IllegalArgumentException("no stage " + name + " in " + stages.keySet());
    }
    return stage;
  }

  public static Dockerfile parse(String text) {
    Map<String, String> args = new LinkedHashMap<>();
    Map<String, Stage> stages = new LinkedHashMap<>();
    Builder current = null;
    for (String line : logicalLines(text)) {
      String[] split = line.split("\\s+", 2);
      String instruction = split[0].toUpperCase();
      String rest = split.length > 1 ? split[1].trim() : "";
      switch (instruction) {
        case "ARG" -> {
          String[] kv = rest.split("=", 2);
          if (current == null) {
            args.put(kv[0], kv.length > 1 ? kv[1] : "");
          }
        }
        case "FROM" -> {
          if (current != null) {
            stages.put(current.name, current.build());
          }
          String[] parts = rest.split("\\s+");
          String from = substitute(parts[0], args);
          String name = parts.length == 3 && parts[1].equalsIgnoreCase("AS") ? parts[2] : "stage" + stages.size();
          current = new Builder(name, from, stages.get(from));
        }
        case "ENV" -> requireStage(current, line).env.putAll(envPairs(rest));
        case "EXPOSE" -> {
          for (String port : rest.split("\\s+")) {
            requireStage(current, line).exposed.add(Integer.parseInt(port.replace("/tcp", "")));
          }
        }
        case "ENTRYPOINT" -> {
          Builder stage = requireStage(current, line);
          stage.entrypoint.clear();
          new JsonArray(rest).forEach(token -> stage.entrypoint.add((String) token));
        }
        case "HEALTHCHECK" -> {
          int cmd = rest.indexOf(" CMD ");
          if (cmd < 0) {
            throw new IllegalArgumentException("HEALTHCHECK without CMD: " + line);
          }
          requireStage(current, line).healthcheck = Optional.of(rest.substring(cmd + 5).trim());
        }
        case "COPY" -> {
          List<String> tokens = new ArrayList<>(List.of(rest.split("\\s+")));
          Optional<String> fromStage = Optional.empty();
          while (tokens.get(0).startsWith("--")) {
            String option = tokens.remove(0);
            if (option.startsWith("--from=")) {
              fromStage = Optional.of(option.substring("--from=".length()));
            }
          }
          if (tokens.size() != 2) {
            throw new IllegalArgumentException("COPY with other than one source and one target: " + line);
          }
          requireStage(current, line).copies.add(new Copy(fromStage, tokens.get(0), tokens.get(1)));
        }
        case "USER" -> requireStage(current, line).user = Optional.of(rest);
        case "VOLUME" -> requireStage(current, line).volumes.addAll(rest.startsWith("[")
            ? new JsonArray(rest).stream().map(String::valueOf).toList() : List.of(rest.split("\\s+")));
        case "RUN", "WORKDIR" -> requireStage(current, line);
        default -> throw new IllegalArgumentException("instruction not understood by this reader: " + line);
      }
    }
    if (current != null) {
      stages.put(current.name, current.build());
    }
    return new Dockerfile(Map.copyOf(stages));
  }

  /** Continuation lines joined, comments and blank lines dropped. */
  private static List<String> logicalLines(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
        continue;
      }
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      pending.append(line);
      out.add(pending.toString().trim());
      pending.setLength(0);
    }
    if (!pending.isEmpty()) {
      throw new IllegalArgumentException("the Dockerfile ends inside a continued line");
    }
    return out;
  }

  private static Map<String, String> envPairs(String rest) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = ENV_PAIR.matcher(rest);
    int consumed = 0;
    while (m.find()) {
      if (!rest.substring(consumed, m.start()).isBlank()) {
        throw new IllegalArgumentException("ENV not in key=value form: " + rest);
      }
      String value = m.group(2);
      if (value.startsWith("\"")) {
        value = value.substring(1, value.length() - 1).replace("\\\"", "\"");
      }
      out.put(m.group(1), value);
      consumed = m.end();
    }
    if (out.isEmpty() || !rest.substring(consumed).isBlank()) {
      throw new IllegalArgumentException("ENV not in key=value form: " + rest);
    }
    return out;
  }

  private static String substitute(String text, Map<String, String> args) {
    Matcher m = ARG_REF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(args.getOrDefault(m.group(1), "")));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Builder requireStage(Builder current, String line) {
    if (current == null) {
      throw new IllegalArgumentException("instruction before the first FROM: " + line);
    }
    return current;
  }

  private static final class Builder {
    final String name;
    final String from;
    final Map<String, String> env = new LinkedHashMap<>();
    final List<Integer> exposed = new ArrayList<>();
    final List<String> entrypoint = new ArrayList<>();
    final List<Copy> copies = new ArrayList<>();
    final List<String> volumes = new ArrayList<>();
    Optional<String> healthcheck = Optional.empty();
    Optional<String> user = Optional.empty();

    Builder(String name, String from, Stage parent) {
      this.name = name;
      this.from = from;
      if (parent != null) {
        env.putAll(parent.env());
        exposed.addAll(parent.exposed());
        entrypoint.addAll(parent.entrypoint());
        volumes.addAll(parent.volumes());
        healthcheck = parent.healthcheckCommand();
        user = parent.user();
      }
    }

    Stage build() {
      return new Stage(name, from, Map.copyOf(env), List.copyOf(exposed), List.copyOf(entrypoint), healthcheck,
          List.copyOf(copies), user, List.copyOf(volumes));
    }
  }
}
