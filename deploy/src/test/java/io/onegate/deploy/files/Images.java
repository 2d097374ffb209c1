package io.onegate.deploy.files;

import io.onegate.billing.BillingWorkerMain;
import io.onegate.common.config.Setting;
import io.onegate.common.config.Settings;
import io.onegate.deploy.StandaloneMain;
import io.onegate.gateway.GatewayMain;
import io.onegate.health.HealthWorkerMain;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** OneGate's images as deploy/docker/Dockerfile defines them: one target per process. */
public final class Images {
  public static final Dockerfile DOCKERFILE = Dockerfile.parse(RepoFiles.read(RepoFiles.path("deploy/docker/Dockerfile")));

  /**
   * The setting naming the HTTP port (health, readiness, metrics) each process's main serves on. The process test
   * proves each entry by reaching the process on exactly that port.
   */
  public static final Map<String, Setting<Integer>> HTTP_PORT_OF_MAIN = Map.of(
      GatewayMain.class.getName(), Settings.PORT,
      BillingWorkerMain.class.getName(), Settings.BILLING_WORKER_PORT,
      HealthWorkerMain.class.getName(), Settings.HEALTH_WORKER_PORT,
      StandaloneMain.class.getName(), Settings.PORT);

  private Images() {
  }

  /** The Dockerfile targets that are runnable images (have an ENTRYPOINT). */
  public static List<String> targets() {
    return DOCKERFILE.stages().values().stream().filter(s -> !s.entrypoint().isEmpty()).map(Dockerfile.Stage::name)
        .sorted().toList();
  }

  /** {@code onegate/gateway:0.1.0}, {@code registry/x/gateway:tag} → {@code gateway} when that target exists. */
  public static Optional<String> targetOfImage(String image) {
    String withoutTag = image.replaceFirst(":[^/]*$", "");
    String last = withoutTag.substring(withoutTag.lastIndexOf('/') + 1);
    boolean ours = withoutTag.equals("onegate/" + last) || withoutTag.endsWith("/onegate/" + last);
    return ours && targets().contains(last) ? Optional.of(last) : Optional.empty();
  }

  /**
   * The build-context file a {@code COPY source containerPath} (no {@code --from}) put at {@code containerPath} in
   * {@code target} or a stage it is built from, as a path in the repository.
   */
  public static java.nio.file.Path contextFile(String target, String containerPath) {
    for (Dockerfile.Stage stage = DOCKERFILE.stage(target); stage != null; stage = DOCKERFILE.stages().get(stage.from())) {
      for (Dockerfile.Copy copy : stage.copies()) {
        if (copy.fromStage().isEmpty() && copy.target().equals(containerPath)) {
          return RepoFiles.path(copy.source());
        }
      }
    }
    throw new IllegalArgumentException(target + ": nothing is copied to " + containerPath);
  }

  public static String mainClass(String target) {
    List<String> entrypoint = DOCKERFILE.stage(target).entrypoint();
    return entrypoint.get(entrypoint.size() - 1);
  }

  public static Setting<Integer> httpPortSetting(String target) {
    Setting<Integer> setting = HTTP_PORT_OF_MAIN.get(mainClass(target));
    if (setting == null) {
      throw new IllegalArgumentException("no known HTTP port for " + mainClass(target));
    }
    return setting;
  }

  /**
   * The value a setting has in a container of {@code target}: the container's own environment, else the image's
   * ENV, else the setting's default.
   */
  public static String effective(String target, Map<String, String> containerEnv, String setting) {
    if (containerEnv.containsKey(setting)) {
      return containerEnv.get(setting);
    }
    String fromImage = DOCKERFILE.stage(target).env().get(setting);
    return fromImage != null ? fromImage : EnvRules.defaultOf(setting);
  }
}
