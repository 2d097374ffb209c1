package io.onegate.deploy;

import static io.onegate.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.billing.BillingWorkerMain;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.deploy.files.Dockerfile;
import io.onegate.deploy.files.Images;
import io.onegate.deploy.files.Kustomize;
import io.onegate.deploy.files.PodContainer;
import io.onegate.deploy.files.Probes;
import io.onegate.deploy.files.RepoFiles;
import io.onegate.embedded.FreePorts;
import io.onegate.gateway.GatewayMain;
import io.onegate.health.HealthWorkerMain;
import io.onegate.testkit.Figures;
import io.onegate.testkit.TestInfra;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each image's ENTRYPOINT, run outside a container: no Docker engine or registry exists on these machines, so the
 * images themselves are not built here. The command line is the Dockerfile's token for token — its JVM flags (the
 * argument file the image copies, read from the repository), its main class — with the classpath swapped for this
 * build's and the image's ENV (heap flags in JDK_JAVA_OPTIONS
 * included) as the only environment, plus what a test must change: the addresses of the test's PostgreSQL, Kafka
 * and Hazelcast, free ports, a temporary DATA_DIR, and BIND_ADDRESS=127.0.0.1 (tests never listen on other
 * interfaces). Each process must then answer every path the deployment files probe it on, on the port they name.
 */
class DockerImagesTest {
  private static final Pattern JVM_ARGS = Pattern.compile("<hazelcast.jvm.args>(.*)</hazelcast.jvm.args>");
  private static final Pattern FINAL_NAME = Pattern.compile("<finalName>(.*)</finalName>");
  private static final Pattern MAIN_CLASS = Pattern.compile("<mainClass>(.*)</mainClass>");
  private static final Pattern COPY_JAR = Pattern.compile("/src/([a-z-]+)/target/([a-z-]+\\.jar)");
  /** What each process logs once it serves (ProcessMain, StandaloneMain): proof of which main ran. */
  private static final Map<String, String> STARTED_LINE = Map.of(
      GatewayMain.class.getName(), "gateway started",
      BillingWorkerMain.class.getName(), "billing-worker started",
      HealthWorkerMain.class.getName(), "health-worker started",
      StandaloneMain.class.getName(), "OneGate is ready");

  private final List<Process> started = new ArrayList<>();
  private final List<Path> dataDirs = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void stopWhatWasStarted() throws InterruptedException {
    started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
    started.forEach(Process::destroyForcibly);
    for (Process process : started) {
      process.waitFor(20, TimeUnit.SECONDS);
    }
    dataDirs.forEach(DockerImagesTest::deleteQuietly);
  }

  @Test
  void entrypointsRunTheMainOfTheModuleWhoseJarTheImageCopiesWithTheFlagsTheTestsUse() {
    List<String> jvmFlags = List.of(match(JVM_ARGS, RepoFiles.read(RepoFiles.path("pom.xml"))).split("\\s+"));
    for (String target : Images.targets()) {
      Dockerfile.Stage stage = Images.DOCKERFILE.stage(target);
      List<String> entrypoint = stage.entrypoint();
      int cp = entrypoint.indexOf("-cp");
      assertThat(entrypoint.get(0)).isEqualTo("java");
      assertThat(entrypoint.subList(1, cp)).as(target + ": one argument file").hasSize(1);
      assertThat(entrypoint.get(1)).startsWith("@");
      Path argFile = Images.contextFile(target, entrypoint.get(1).substring(1));
      assertThat(List.of(RepoFiles.read(argFile).trim().split("\\s+")))
          .as(target + ": JVM flags (" + argFile + ") are the ones every test JVM runs with").isEqualTo(jvmFlags);
      assertThat(entrypoint).as(target).hasSize(cp + 3);
      String main = entrypoint.get(cp + 2);

      Dockerfile.Copy jarCopy = stage.copies().stream().filter(c -> c.source().endsWith(".jar")).findFirst()
          .orElseThrow();
      Matcher jar = COPY_JAR.matcher(jarCopy.source());
      assertThat(jar.matches()).as(target + " copies a module's jar: " + jarCopy.source()).isTrue();
      String module = jar.group(1);
      String pom = RepoFiles.read(RepoFiles.path(module + "/pom.xml"));
      assertThat(match(FINAL_NAME, pom) + ".jar").as(module + " builds the jar the image copies")
          .isEqualTo(jar.group(2));
      assertThat(jarCopy.fromStage()).contains("build");
      assertThat(stage.copies()).as(target + " copies the same module's dependencies")
          .anySatisfy(c -> assertThat(c.source()).isEqualTo("/src/" + module + "/target/lib/"));
      assertThat(entrypoint.get(cp + 1)).isEqualTo(jarCopy.target() + ":/app/lib/*");
      assertThat(match(MAIN_CLASS, pom)).as(module + "'s jar manifest names the same main").isEqualTo(main);
      assertThat(RepoFiles.path(module + "/src/main/java/" + main.replace('.', '/') + ".java")).exists();
      assertThat(STARTED_LINE).containsKey(main);
    }
  }

  @Test
  void gatewayBillingAndHealthImagesServeTheirProbesAsOneCluster() throws Exception {
    Config infra = TestInfra.get().freshConfig();
    List<String> targets = List.of("gateway", "billing-worker", "health-worker");
    List<Integer> hazelcastPorts = targets.stream().map(t -> FreePorts.find()).toList();
    Map<String, Running> running = new LinkedHashMap<>();
    for (int i = 0; i < targets.size(); i++) {
      String target = targets.get(i);
      Map<String, String> env = new LinkedHashMap<>();
      env.put(Settings.SQL_DSN.name(), infra.raw().get(Settings.SQL_DSN.name()));
      env.put(Settings.KAFKA_BOOTSTRAP_SERVERS.name(), infra.raw().get(Settings.KAFKA_BOOTSTRAP_SERVERS.name()));
      env.put(Settings.KAFKA_TOPIC_PREFIX.name(), infra.raw().get(Settings.KAFKA_TOPIC_PREFIX.name()));
      env.put(Settings.KAFKA_PARTITIONS.name(), infra.raw().get(Settings.KAFKA_PARTITIONS.name()));
      env.put(Settings.SESSION_SECRET.name(), infra.raw().get(Settings.SESSION_SECRET.name()));
      env.put(Settings.HAZELCAST_CLUSTER_NAME.name(), infra.raw().get(Settings.HAZELCAST_CLUSTER_NAME.name()));
      env.put(Settings.HAZELCAST_PORT.name(), String.valueOf(hazelcastPorts.get(i)));
      env.put(Settings.HAZELCAST_MEMBERS.name(), String.join(",",
          hazelcastPorts.stream().map(p -> "127.0.0.1:" + p).toList()));
      running.put(target, start(target, env));
    }
    for (Map.Entry<String, Running> entry : running.entrySet()) {
      answersEveryProbe(entry.getKey(), entry.getValue());
    }
    assertThat(get(running.get("gateway").port(), "/api/status").body()).contains("\"success\":true");
    stopAll(running);
  }

  @Test
  void standaloneImageRunsFromItsEnvironmentAloneOnOneDataDirectory() throws Exception {
    // The Kubernetes standalone's own variables (One API's knobs: POLLING_INTERVAL, BATCH_UPDATE_*, …).
    PodContainer manifest = PodContainer.of("standalone", Kustomize.build(RepoFiles.path("deploy/k8s/standalone")))
        .get(0);
    Map<String, String> env = new LinkedHashMap<>();
    manifest.environment().forEach((k, v) -> v.value().ifPresent(value -> env.put(k, value)));
    assertThat(env).containsKeys(Settings.POLLING_INTERVAL.name(), Settings.BATCH_UPDATE_ENABLED.name(),
        Settings.BATCH_UPDATE_INTERVAL.name());
    env.put(Settings.EMBEDDED_POSTGRES_PORT.name(), String.valueOf(FreePorts.find()));
    env.put(Settings.EMBEDDED_KAFKA_PORT.name(), String.valueOf(FreePorts.find()));
    env.put(Settings.HAZELCAST_PORT.name(), String.valueOf(FreePorts.find()));
    env.put(Settings.HAZELCAST_CLUSTER_NAME.name(), "standalone-image-" + UUID.randomUUID());
    env.put(Settings.BILLING_WORKER_PORT.name(), "0");
    env.put(Settings.HEALTH_WORKER_PORT.name(), "0");
    Running standalone = start("standalone", env);
    answersEveryProbe("standalone", standalone);
    assertThat(standalone.dataDir().resolve("postgres")).as("embedded PostgreSQL under DATA_DIR").isDirectory();
    assertThat(standalone.dataDir().resolve("kafka")).as("embedded Kafka under DATA_DIR").isDirectory();
    stopAll(Map.of("standalone", standalone));
  }

  // ---- running an image's command line ------------------------------------------------------------------------

  /** A started image: its process, HTTP port, data directory and log. */
  private record Running(Process process, int port, Path dataDir, Path log) {
  }

  /** Starts {@code target}'s ENTRYPOINT with the image's ENV, then {@code overrides}, free ports and loopback. */
  private Running start(String target, Map<String, String> overrides) throws IOException {
    Dockerfile.Stage stage = Images.DOCKERFILE.stage(target);
    List<String> command = new ArrayList<>(stage.entrypoint());
    command.set(0, System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.set(command.indexOf("-cp") + 1, System.getProperty("java.class.path"));
    command.set(1, "@" + Images.contextFile(target, command.get(1).substring(1)));
    Path dataDir = Files.createTempDirectory("onegate-image-" + target + "-");
    dataDirs.add(dataDir);
    Path log = dataDir.resolve("process.log");
    int port = FreePorts.find();
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(stage.env());
    env.putAll(overrides);
    env.put(Images.httpPortSetting(target).name(), String.valueOf(port));
    env.put(Settings.DATA_DIR.name(), dataDir.toString());
    env.put(Settings.BIND_ADDRESS.name(), "127.0.0.1");
    Process process = builder.start();
    started.add(process);
    return new Running(process, port, dataDir, log);
  }

  /** The HEALTHCHECK, then every probe, scrape and load-balancer check the files aim at this image. */
  private void answersEveryProbe(String target, Running running) {
    Matcher healthcheck = Probes.HEALTHCHECK_URL.matcher(Images.DOCKERFILE.stage(target).healthcheckCommand()
        .orElseThrow());
    assertThat(healthcheck.find()).isTrue();
    eventually(Duration.ofSeconds(150), () -> {
      assertThat(running.process().isAlive()).as(target + " alive (log: " + running.log() + ")").isTrue();
      assertThat(get(running.port(), healthcheck.group(2)).statusCode()).as(target + " HEALTHCHECK").isEqualTo(200);
    });
    String main = Images.mainClass(target);
    String log = RepoFiles.read(running.log());
    assertThat(log).as(target + " ran " + main).contains(STARTED_LINE.get(main));
    assertThat(log).as("the JVM took the image's heap flags")
        .contains("Picked up JDK_JAVA_OPTIONS: " + Images.DOCKERFILE.stage(target).env().get("JDK_JAVA_OPTIONS"));
    List<Probes.Use> uses = Probes.all().stream().filter(u -> u.target().equals(target)).toList();
    assertThat(uses).as(target + " is probed by the files").isNotEmpty();
    for (Probes.Use use : uses) {
      Duration wait = use.kind() == Probes.Kind.READINESS ? Duration.ofSeconds(60) : Duration.ofSeconds(5);
      eventually(wait, () -> {
        HttpResponse<String> response = get(running.port(), use.path());
        assertThat(response.statusCode()).as(use.where() + " " + use.path() + ": " + response.body()).isEqualTo(200);
        if (use.kind() == Probes.Kind.METRICS) {
          assertThat(response.body()).as("Prometheus text").contains("# TYPE ");
        }
      });
    }
    Figures.report("image %s: %d probe uses answered on port %d; RSS at ready %d MB (JDK_JAVA_OPTIONS %s)",
        target, uses.size(), running.port(), rssMegabytes(running.process()),
        Images.DOCKERFILE.stage(target).env().get("JDK_JAVA_OPTIONS"));
  }

  /** SIGTERM, as Docker and Kubernetes stop a container; each must exit within its grace period. */
  private static void stopAll(Map<String, Running> running) throws InterruptedException {
    running.values().forEach(r -> r.process().destroy());
    for (Map.Entry<String, Running> entry : running.entrySet()) {
      assertThat(entry.getValue().process().waitFor(50, TimeUnit.SECONDS)).as(entry.getKey() + " stops on SIGTERM")
          .isTrue();
    }
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long rssMegabytes(Process process) {
    Path status = Path.of("/proc/" + process.pid() + "/status");
    if (!Files.exists(status)) {
      return -1;
    }
    return RepoFiles.read(status).lines().filter(l -> l.startsWith("VmRSS:"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(-1);
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException ignored) {
      // a temporary directory; the OS cleans it eventually
    }
  }

  private static String match(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    assertThat(m.find()).as(pattern.pattern()).isTrue();
    return m.group(1).trim();
  }
}
