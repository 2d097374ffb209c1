package io.onegate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.onegate.common.config.Config;
import io.onegate.deploy.files.Compose;
import io.onegate.deploy.files.Deployments;
import io.onegate.deploy.files.Deployments.ContainerEnv;
import io.onegate.deploy.files.EnvRules;
import io.onegate.deploy.files.EnvRules.ImageKind;
import io.onegate.deploy.files.Kustomize;
import io.onegate.deploy.files.PodContainer.EnvValue;
import io.onegate.deploy.files.RepoFiles;
import io.onegate.deploy.files.SealosTemplate;
import io.onegate.deploy.files.Yamls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The deployment files against the code: every file parses, every kustomization builds, and every variable a
 * container is given is one its image reads — a OneGate {@code Settings} entry with a value it accepts, or a
 * documented variable of the third-party image.
 */
class DeploymentFilesTest {

  @Test
  void everyYamlFileParsesAndEveryKubernetesObjectIsNamed() {
    List<Path> files = RepoFiles.filesUnder("deploy", ".yaml", ".yml").stream()
        .filter(p -> !p.toString().contains("/target/")).toList();
    assertThat(files).hasSizeGreaterThanOrEqualTo(15);
    for (Path file : files) {
      List<Map<String, Object>> docs = RepoFiles.yamlDocuments(file);
      assertThat(docs).as(file.toString()).isNotEmpty();
      for (Map<String, Object> doc : docs) {
        if (doc.containsKey("apiVersion") && !"kustomization.yaml".equals(file.getFileName().toString())) {
          assertThat(doc).as(file + ": a Kubernetes object").containsKeys("kind", "metadata");
          assertThat(Yamls.find(doc, "metadata.name")).as(file + ": " + doc.get("kind") + " name").isNotNull();
        }
      }
    }
    List<Map<String, Object>> sealos = SealosTemplate.render(RepoFiles.read(Deployments.SEALOS_TEMPLATE));
    assertThat(sealos.get(0)).containsEntry("kind", "Template");
    assertThat(sealos).extracting(d -> d.get("kind")).contains("Deployment", "Service", "Ingress", "Cluster");
  }

  @Test
  void everyKustomizationBuildsFromFilesThatExist() {
    Map<String, Set<String>> kinds = Map.of(
        "deploy/k8s/base", Set.of("ConfigMap", "Service", "Deployment", "PodDisruptionBudget",
            "HorizontalPodAutoscaler"),
        "deploy/k8s/overlays/production", Set.of("Namespace", "Secret", "StatefulSet", "Ingress", "Deployment"),
        "deploy/k8s/standalone", Set.of("StatefulSet", "Service"));
    assertThat(Deployments.KUSTOMIZATIONS).containsExactlyInAnyOrderElementsOf(kinds.keySet());
    kinds.forEach((dir, expected) -> assertThat(Kustomize.build(RepoFiles.path(dir)))
        .as(dir).extracting(d -> String.valueOf(d.get("kind"))).containsAll(expected));
    // The optional Prometheus Operator component builds too.
    assertThat(Kustomize.build(RepoFiles.path("deploy/k8s/components/podmonitor")))
        .extracting(d -> d.get("kind")).containsExactly("PodMonitor");
  }

  @Test
  void oneGateContainersAreGivenOnlySettingsAndValuesTheSettingsAccept() {
    List<ContainerEnv> oneGate = Deployments.all().stream().filter(c -> c.kind() == ImageKind.ONEGATE).toList();
    // 4 Dockerfile targets, 6 compose services, the FastGPT snippet's, 3 + 3 + 1 Kubernetes, 3 Sealos.
    assertThat(oneGate).hasSizeGreaterThanOrEqualTo(21);
    List<String> problems = new ArrayList<>();
    for (ContainerEnv container : oneGate) {
      for (EnvValue variable : container.env().values()) {
        if (!EnvRules.allowed(ImageKind.ONEGATE, variable.name()) && !isHelper(container, variable)) {
          problems.add(container.where() + ": " + variable.name() + " is not a setting");
        }
      }
      Map<String, String> values = container.literalValues();
      try {
        Config.of(values);
        values.forEach((name, value) -> EnvRules.setting(name).ifPresent(s -> s.parse(value)));
      } catch (RuntimeException e) {
        problems.add(container.where() + ": " + e.getMessage());
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void thirdPartyContainersAreGivenOnlyTheirImagesDocumentedVariables() {
    List<ContainerEnv> others = Deployments.all().stream().filter(c -> c.kind() != ImageKind.ONEGATE).toList();
    assertThat(others).extracting(ContainerEnv::kind)
        .contains(ImageKind.POSTGRES, ImageKind.KAFKA, ImageKind.HAPROXY, ImageKind.FASTGPT);
    List<String> problems = new ArrayList<>();
    for (ContainerEnv container : others) {
      for (EnvValue variable : container.env().values()) {
        if (!EnvRules.allowed(container.kind(), variable.name()) && !isHelper(container, variable)) {
          problems.add(container.where() + ": " + variable.name() + " is not read by the " + container.kind()
              + " image");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void theKafkaImageRuleRejectsWhatIsNotABrokerProperty() {
    // The rule the check above relies on: KAFKA_* must name a real broker property.
    assertThat(EnvRules.allowed(ImageKind.KAFKA, "KAFKA_MIN_INSYNC_REPLICAS")).isTrue();
    assertThat(EnvRules.allowed(ImageKind.KAFKA, "KAFKA_CONTROLLER_QUORUM_VOTERS")).isTrue();
    assertThat(EnvRules.allowed(ImageKind.KAFKA, "KAFKA_LOG_RETENTION_HOURS")).isTrue();
    assertThat(EnvRules.allowed(ImageKind.KAFKA, "KAFKA_BOOTSTRAP_SERVERS")).isFalse();
    assertThat(EnvRules.allowed(ImageKind.KAFKA, "KAFKA_MIN_INSYNC_REPLICA")).isFalse();
    assertThat(EnvRules.allowed(ImageKind.ONEGATE, "KAFKA_CONTROLLER_QUORUM_VOTERS")).isFalse();
  }

  @Test
  void composeSecretsComeFromTheExampleEnvFileAndNothingElseIsRequired() {
    String compose = RepoFiles.read(Deployments.COMPOSE);
    Set<String> required = Compose.variables(compose).stream()
        .filter(v -> v.defaultValue().isEmpty()).map(Compose.Variable::name).collect(Collectors.toCollection(TreeSet::new));
    Set<String> all = Compose.variables(compose).stream().map(Compose.Variable::name)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> example = new TreeSet<>(RepoFiles.envFile(Deployments.COMPOSE_ENV_EXAMPLE).keySet());
    assertThat(required).as("variables compose.yaml needs without a default").isEqualTo(example)
        .contains("POSTGRES_PASSWORD", "SESSION_SECRET", "CRYPTO_SECRET");
    assertThat(all).as("variables compose.yaml reads").containsAll(example);
    // And they are never given a value in the committed example.
    RepoFiles.envFile(Deployments.COMPOSE_ENV_EXAMPLE).forEach((k, v) -> assertThat(v).as(k).isEmpty());
  }

  @Test
  void kubernetesSecretsHoldTheSecretsAndTheirKeysAreAllRead() {
    List<Map<String, Object>> production = Kustomize.build(RepoFiles.path("deploy/k8s/overlays/production"));
    Map<String, Object> secret = Kustomize.find(production, "Secret", "onegate-secrets");
    Set<String> keys = Yamls.mapAt(secret, "stringData").keySet();
    assertThat(keys).contains("SESSION_SECRET", "CRYPTO_SECRET", "SQL_DSN");
    Set<String> read = new TreeSet<>();
    for (ContainerEnv container : Deployments.all()) {
      container.env().values().stream().filter(v -> v.origin().startsWith("Secret onegate-secrets key "))
          .forEach(v -> read.add(v.origin().substring("Secret onegate-secrets key ".length())));
    }
    assertThat(read).as("keys some container reads").isEqualTo(keys);
  }

  /**
   * A Kubernetes helper variable: filled from a Secret or a field and used only to compose another value through
   * {@code $(NAME)} in the same container (e.g. SQL_DSN from a database's credentials Secret).
   */
  private static boolean isHelper(ContainerEnv container, EnvValue variable) {
    boolean fromRef = variable.origin().startsWith("Secret ") || variable.origin().startsWith("field ");
    return fromRef && container.referenced().contains(variable.name());
  }
}
