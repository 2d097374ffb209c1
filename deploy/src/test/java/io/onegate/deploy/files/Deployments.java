package io.onegate.deploy.files;

import io.onegate.deploy.files.EnvRules.ImageKind;
import io.onegate.deploy.files.PodContainer.EnvValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every place a deployment file gives a container its environment, read the same way: the Dockerfile's targets, the
 * Compose services (cluster and FastGPT snippet), the Kubernetes builds and the rendered Sealos template.
 */
public final class Deployments {
  public static final Path COMPOSE = RepoFiles.path("deploy/compose.yaml");
  public static final Path COMPOSE_ENV_EXAMPLE = RepoFiles.path("deploy/env.example");
  public static final Path FASTGPT_SNIPPET = RepoFiles.path("deploy/fastgpt/docker-compose.onegate.yml");
  public static final Path SEALOS_TEMPLATE = RepoFiles.path("deploy/sealos/onegate-cluster.yaml");
  /** The kustomizations an operator applies (components are part of the production overlay). */
  public static final List<String> KUSTOMIZATIONS =
      List.of("deploy/k8s/base", "deploy/k8s/overlays/production", "deploy/k8s/standalone");
  /** What a required Compose variable stands for when the example env file leaves it empty. */
  public static final String PLACEHOLDER_SECRET = "0123456789abcdef0123456789abcdef";

  private Deployments() {
  }

  /**
   * One container's environment.
   *
   * @param where      file and service/container, for messages
   * @param kind       its image family
   * @param target     the Dockerfile target of a OneGate image
   * @param env        the variables it is given, in the order they apply
   * @param referenced names used as {@code $(NAME)} in its other values (Kubernetes)
   */
  public record ContainerEnv(String where, ImageKind kind, Optional<String> target, Map<String, EnvValue> env,
                             List<String> referenced) {
    /** Literal values, the image's ENV underneath (what the process sees, secrets and fields left out). */
    public Map<String, String> literalValues() {
      Map<String, String> out = new LinkedHashMap<>();
      target.ifPresent(t -> out.putAll(Images.DOCKERFILE.stage(t).env()));
      env.forEach((k, v) -> v.value().ifPresent(value -> out.put(k, value)));
      return out;
    }
  }

  public static List<ContainerEnv> all() {
    List<ContainerEnv> out = new ArrayList<>();
    for (String target : Images.targets()) {
      Map<String, EnvValue> env = new LinkedHashMap<>();
      Images.DOCKERFILE.stage(target).env().forEach((k, v) -> env.put(k, new EnvValue(k, Optional.of(v), "ENV")));
      out.add(new ContainerEnv("Dockerfile target " + target, ImageKind.ONEGATE, Optional.of(target), env, List.of()));
    }
    out.addAll(compose(COMPOSE));
    out.addAll(compose(FASTGPT_SNIPPET));
    for (String dir : KUSTOMIZATIONS) {
      out.addAll(kubernetes(dir, Kustomize.build(RepoFiles.path(dir))));
    }
    out.addAll(kubernetes("deploy/sealos", SealosTemplate.render(RepoFiles.read(SEALOS_TEMPLATE))));
    return out;
  }

  /** The Compose variables' values for checks: the example env file where it has one, else a placeholder. */
  public static Optional<String> composeVariable(String name) {
    String example = RepoFiles.envFile(COMPOSE_ENV_EXAMPLE).get(name);
    return Optional.of(example == null || example.isEmpty() ? PLACEHOLDER_SECRET : example);
  }

  public static Map<String, Object> composeDocument(Path file) {
    return RepoFiles.yamlDocuments(file).get(0);
  }

  private static List<ContainerEnv> compose(Path file) {
    List<ContainerEnv> out = new ArrayList<>();
    String relative = RepoFiles.ROOT.relativize(file).toString();
    for (Compose.Service service : Compose.services(composeDocument(file)).values()) {
      Optional<String> target = service.buildTarget().or(() -> service.image().flatMap(Images::targetOfImage));
      ImageKind kind = target.isPresent() ? ImageKind.ONEGATE
          : service.image().flatMap(EnvRules::kindOf)
              // FastGPT's own service, overridden by the snippet: it keeps FastGPT's image.
              .orElseGet(() -> service.name().equals("fastgpt") ? ImageKind.FASTGPT : null);
      if (kind == null) {
        throw new IllegalArgumentException(relative + ": service " + service.name() + " has an unknown image");
      }
      Map<String, EnvValue> env = new LinkedHashMap<>();
      service.environment().forEach((k, v) -> env.put(k,
          new EnvValue(k, Optional.of(Compose.interpolate(v, Deployments::composeVariable)), "compose")));
      out.add(new ContainerEnv(relative + " service " + service.name(), kind, target, env, List.of()));
    }
    return out;
  }

  private static List<ContainerEnv> kubernetes(String source, List<Map<String, Object>> docs) {
    List<ContainerEnv> out = new ArrayList<>();
    for (PodContainer container : PodContainer.of(source, docs)) {
      ImageKind kind = EnvRules.kindOf(container.image()).orElseThrow(() ->
          new IllegalArgumentException(source + ": " + container.name() + " has an unknown image " + container.image()));
      out.add(new ContainerEnv(source + " " + container.name(), kind, Images.targetOfImage(container.image()),
          container.environment(), container.referencedNames()));
    }
    return out;
  }
}
