package io.onegate.deploy.files;

import io.onegate.common.config.Setting;
import io.onegate.common.config.Settings;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import kafka.server.KafkaConfig;

/**
 * Which environment variables a container of each image may be given. OneGate's images read only {@link Settings};
 * the third-party images read their documented variables, listed here per image (the Kafka image turns
 * {@code KAFKA_*} into broker properties, checked against Kafka's own broker configuration definition).
 */
public final class EnvRules {
  /** Read by the JVM's {@code java} launcher itself (the images keep their heap flags there). */
  public static final Set<String> JVM_LAUNCHER = Set.of("JDK_JAVA_OPTIONS");

  /** The official postgres image's documented variables. */
  public static final Set<String> POSTGRES_IMAGE = Set.of("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB",
      "POSTGRES_INITDB_ARGS", "POSTGRES_INITDB_WALDIR", "POSTGRES_HOST_AUTH_METHOD", "PGDATA");

  /** Variables of the apache/kafka image that are not broker properties. */
  public static final Set<String> KAFKA_IMAGE = Set.of("CLUSTER_ID", "KAFKA_HEAP_OPTS", "KAFKA_OPTS",
      "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_LOG4J_OPTS");

  /** What FastGPT's image reads to reach an OpenAI-compatible gateway (its docker-compose.yml). */
  public static final Set<String> FASTGPT_IMAGE = Set.of("OPENAI_BASE_URL", "CHAT_API_KEY");

  private static final Set<String> BROKER_PROPERTIES = KafkaConfig.configDef().names();

  /** The image families the deployment files use. */
  public enum ImageKind { ONEGATE, POSTGRES, KAFKA, HAPROXY, FASTGPT }

  private EnvRules() {
  }

  /** True when a container of that kind may be given {@code name}. */
  public static boolean allowed(ImageKind kind, String name) {
    return switch (kind) {
      case ONEGATE -> setting(name).isPresent() || JVM_LAUNCHER.contains(name);
      case POSTGRES -> POSTGRES_IMAGE.contains(name);
      case KAFKA -> KAFKA_IMAGE.contains(name) || brokerProperty(name).map(BROKER_PROPERTIES::contains).orElse(false);
      case HAPROXY -> false;
      case FASTGPT -> FASTGPT_IMAGE.contains(name);
    };
  }

  /** The image family of an image reference, if the files use it. */
  public static Optional<ImageKind> kindOf(String image) {
    String repository = image.replaceFirst(":[^/]*$", "");
    if (repository.equals("postgres")) {
      return Optional.of(ImageKind.POSTGRES);
    }
    if (repository.equals("apache/kafka")) {
      return Optional.of(ImageKind.KAFKA);
    }
    if (repository.equals("haproxy")) {
      return Optional.of(ImageKind.HAPROXY);
    }
    return Images.targetOfImage(image).map(target -> ImageKind.ONEGATE);
  }

  /** Whether {@code name} is a OneGate setting, and its default. */
  public static Optional<Setting<?>> setting(String name) {
    for (Setting<?> s : Settings.ALL) {
      if (s.name().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The default of a setting. */
  public static String defaultOf(String name) {
    return setting(name).map(Setting::defaultValue)
        .orElseThrow(() -> new IllegalArgumentException(name + " is not a setting"));
  }

  /** KAFKA_FOO_BAR → foo.bar, KAFKA_A__B → a-b, KAFKA_A___B → a_b (the apache/kafka image's rule). */
  static Optional<String> brokerProperty(String name) {
    if (!name.startsWith("KAFKA_")) {
      return Optional.empty();
    }
    String rest = name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT);
    return Optional.of(rest.replace("___", "\u0000").replace("__", "-").replace("_", ".").replace("\u0000", "_"));
  }
}
