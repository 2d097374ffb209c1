package io.onegate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.PostgresDsn;
import io.onegate.common.config.Settings;
import io.onegate.deploy.files.Compose;
import io.onegate.deploy.files.Deployments;
import io.onegate.deploy.files.Dockerfile;
import io.onegate.deploy.files.EnvRules;
import io.onegate.deploy.files.Images;
import io.onegate.deploy.files.Kustomize;
import io.onegate.deploy.files.PodContainer;
import io.onegate.deploy.files.PodContainer.EnvValue;
import io.onegate.deploy.files.Probes;
import io.onegate.deploy.files.RepoFiles;
import io.onegate.deploy.files.SealosTemplate;
import io.onegate.deploy.files.Yamls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/**
 * The deployment files agree with the code and with each other: ports and probes are the ones each process serves
 * on, members find each other, clients point at the servers the files define, grace periods cover the drain,
 * proxies outlast the relay's own timeouts, pods run unprivileged with budgets and an autoscaler.
 */
class DeploymentTopologyTest {
  private static final int HAZELCAST_PORT = Integer.parseInt(Settings.HAZELCAST_PORT.defaultValue());
  private static final int STREAM_IDLE_SECONDS = Integer.parseInt(Settings.STREAM_IDLE_TIMEOUT.defaultValue());
  private static final int MAX_BODY_MB = Integer.parseInt(Settings.MAX_REQUEST_BODY_MB.defaultValue());
  /** Time the drain needs beyond DRAIN_DELAY + DRAIN_TIMEOUT: flush queued events, return leases, leave Hazelcast. */
  private static final int DRAIN_MARGIN_SECONDS = 10;

  private final Map<String, List<Map<String, Object>>> builds = kubernetesBuilds();

  @Test
  void probesAndScrapesUseTheHttpPortOfTheProcessTheyProbe() {
    int checked = 0;
    for (Map.Entry<String, List<Map<String, Object>>> build : builds.entrySet()) {
      for (PodContainer container : oneGate(build.getKey())) {
        String target = Images.targetOfImage(container.image()).orElseThrow();
        int http = httpPort(target, container.environment());
        assertThat(container.port("http")).as(container.name() + " port http").isEqualTo(http);
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
          Object port = Yamls.at(container.httpProbe(probe).orElseThrow(), "port");
          assertThat(container.port(port)).as(container.name() + " " + probe).isEqualTo(http);
          checked++;
        }
        assertThat(container.podAnnotations()).as(container.name())
            .containsEntry("prometheus.io/scrape", "true")
            .containsEntry("prometheus.io/port", String.valueOf(http));
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(3 * 10);
    for (Probes.Use use : Probes.all()) {
      if (use.port().startsWith("${")) {
        assertThat(use.port()).as(use.where())
            .isEqualTo("${" + Images.httpPortSetting(use.target()).name() + "}");
      }
    }
    Map<String, Map<String, String>> gateways = composeOneGate("gateway");
    for (String[] server : Probes.haproxyChecks()) {
      String service = server[0].substring(server[0].indexOf('(') + 1, server[0].length() - 1);
      assertThat(gateways).as("haproxy server " + server[0] + " is a gateway service").containsKey(service);
      assertThat(server[2]).as("haproxy port of " + service)
          .isEqualTo(Images.effective("gateway", gateways.get(service), Settings.PORT.name()));
    }
    assertThat(Probes.haproxyChecks()).extracting(s -> s[0].substring(s[0].indexOf('(') + 1, s[0].length() - 1))
        .containsExactlyInAnyOrderElementsOf(gateways.keySet());
  }

  @Test
  void imagesExposeAndCheckTheirOwnPortsAsTheirUnprivilegedUserOnTheDataVolume() {
    assertThat(Images.targets()).containsExactlyInAnyOrder("gateway", "billing-worker", "health-worker", "standalone");
    for (String target : Images.targets()) {
      Dockerfile.Stage stage = Images.DOCKERFILE.stage(target);
      int http = Integer.parseInt(Images.effective(target, Map.of(), Images.httpPortSetting(target).name()));
      assertThat(stage.exposed()).as(target + " EXPOSE").contains(http);
      if (!target.equals("standalone")) {
        assertThat(stage.exposed()).as(target + " EXPOSE (Hazelcast)").contains(HAZELCAST_PORT);
      }
      String user = stage.user().orElseThrow();
      assertThat(user).as(target + " USER").matches("[1-9][0-9]*:[1-9][0-9]*");
      assertThat(stage.volumes()).as(target + " VOLUME").containsExactly(stage.env().get(Settings.DATA_DIR.name()));
      assertThat(stage.env()).as(target + " ENV").containsEntry(Settings.BIND_ADDRESS.name(), "0.0.0.0");
    }
  }

  @Test
  void hazelcastMembersFindEachOtherInEveryDeployment() {
    // Kubernetes and Sealos: one headless service lists every member pod, ready or not, on the Hazelcast port.
    for (String build : List.of("deploy/k8s/overlays/production", "deploy/sealos")) {
      List<Map<String, Object>> docs = builds.get(build);
      List<PodContainer> members = oneGate(build);
      assertThat(members).as(build).hasSize(3);
      Set<String> dnsNames = new TreeSet<>();
      for (PodContainer member : members) {
        Map<String, EnvValue> env = member.environment();
        assertThat(env.get(Settings.HAZELCAST_INTERFACE.name()).origin()).as(member.name())
            .isEqualTo("field status.podIP");
        dnsNames.add(env.get(Settings.HAZELCAST_KUBERNETES_SERVICE_DNS.name()).value().orElseThrow());
        assertThat(member.port("hazelcast")).isEqualTo(HAZELCAST_PORT);
      }
      assertThat(dnsNames).as(build + ": one service name for all").hasSize(1);
      String serviceName = dnsNames.iterator().next().split("\\.")[0];
      Map<String, Object> service = Kustomize.find(docs, "Service", serviceName);
      assertThat(Yamls.string(service, "spec.clusterIP")).as(serviceName + " headless").isEqualTo("None");
      assertThat(Yamls.at(service, "spec.publishNotReadyAddresses")).isEqualTo(true);
      assertThat(Yamls.listAt(service, "spec.ports")).extracting(p -> Yamls.map(p).get("port"))
          .containsExactly(HAZELCAST_PORT);
      Map<String, Object> selector = Yamls.mapAt(service, "spec.selector");
      for (PodContainer member : members) {
        assertThat(member.podLabels()).as(member.name() + " selected by " + serviceName).containsAllEntriesOf(selector);
      }
      // Nothing else answers the lookup (Kafka and PostgreSQL pods are not members).
      for (PodContainer other : PodContainer.of(build, docs)) {
        if (!members.contains(other)) {
          assertThat(other.podLabels().entrySet().containsAll(selector.entrySet())).as(other.name()).isFalse();
        }
      }
    }
    // Compose: static addresses; the member list is exactly the members' own interfaces.
    Map<String, Map<String, String>> members = composeOneGate(null);
    Map<String, Compose.Service> services = Compose.services(Deployments.composeDocument(Deployments.COMPOSE));
    Set<String> interfaces = new TreeSet<>();
    for (Map.Entry<String, Map<String, String>> member : members.entrySet()) {
      String iface = member.getValue().get(Settings.HAZELCAST_INTERFACE.name());
      assertThat(services.get(member.getKey()).ipv4Address("onegate")).as(member.getKey()).contains(iface);
      interfaces.add(iface);
    }
    for (Map<String, String> env : members.values()) {
      assertThat(new TreeSet<>(List.of(env.get(Settings.HAZELCAST_MEMBERS.name()).split(","))))
          .as("HAZELCAST_MEMBERS").isEqualTo(interfaces);
    }
    assertThat(interfaces).hasSize(6);
    Map<String, Object> ipam = Yamls.map(Yamls.listAt(Deployments.composeDocument(Deployments.COMPOSE),
        "networks.onegate.ipam.config").get(0));
    for (String address : interfaces) {
      assertThat(inCidr(address, Yamls.string(ipam, "subnet"))).as(address + " in the subnet").isTrue();
      assertThat(inCidr(address, Yamls.string(ipam, "ip_range"))).as(address + " outside Docker's own range").isFalse();
    }
  }

  @Test
  void composeClientsPointAtTheServersComposeDefines() {
    Map<String, Compose.Service> services = Compose.services(Deployments.composeDocument(Deployments.COMPOSE));
    Map<String, Map<String, String>> kafka = new LinkedHashMap<>();
    services.forEach((name, s) -> {
      if (s.image().map(i -> i.startsWith("apache/kafka:")).orElse(false)) {
        kafka.put(name, s.environment());
      }
    });
    assertThat(kafka).hasSize(3);
    checkKafkaQuorum(kafka);
    Map<String, String> postgres = services.get("postgres").environment();
    for (Map.Entry<String, Map<String, String>> member : composeOneGate(null).entrySet()) {
      Map<String, String> env = member.getValue();
      assertThat(hosts(env.get(Settings.KAFKA_BOOTSTRAP_SERVERS.name()))).as(member.getKey())
          .isEqualTo(kafka.keySet().stream().map(k -> k + ":9092").collect(Collectors.toCollection(TreeSet::new)));
      checkReplication(env, kafka.size(), member.getKey());
      PostgresDsn dsn = PostgresDsn.parse(env.get(Settings.SQL_DSN.name()));
      assertThat(dsn.host()).isEqualTo("postgres");
      assertThat(dsn.user()).isEqualTo(postgres.get("POSTGRES_USER"));
      assertThat(dsn.database()).isEqualTo(postgres.get("POSTGRES_DB"));
      assertThat(services.get(member.getKey()).environment().get(Settings.SQL_DSN.name()))
          .as("SQL_DSN uses the database's password").contains("${POSTGRES_PASSWORD");
      assertThat(env.get(Settings.TRUSTED_PROXIES.name())).as("the load balancer is the trusted proxy")
          .isEqualTo(services.get("lb").ipv4Address("onegate").orElseThrow());
    }
    assertThat(postgres.get("POSTGRES_PASSWORD")).contains("${POSTGRES_PASSWORD");
  }

  @Test
  void kubernetesClientsPointAtTheServersTheProductionOverlayDefines() {
    List<Map<String, Object>> docs = builds.get("deploy/k8s/overlays/production");
    Map<String, Object> kafkaSet = Kustomize.find(docs, "StatefulSet", "onegate-kafka");
    String headless = Yamls.string(kafkaSet, "spec.serviceName");
    assertThat(Yamls.string(Kustomize.find(docs, "Service", headless), "spec.clusterIP")).isEqualTo("None");
    int replicas = (Integer) Yamls.at(kafkaSet, "spec.replicas");
    Map<String, Map<String, String>> brokers = new LinkedHashMap<>();
    PodContainer broker = PodContainer.of("kafka", List.of(kafkaSet)).get(0);
    for (int i = 0; i < replicas; i++) {
      Map<String, String> env = new LinkedHashMap<>();
      broker.environment().forEach((k, v) -> v.value().ifPresent(value -> env.put(k, value)));
      env.put("KAFKA_NODE_ID", String.valueOf(i)); // the pod-index label
      env.put("KAFKA_ADVERTISED_LISTENERS", env.get("KAFKA_ADVERTISED_LISTENERS")
          .replace("fromFieldOrSecret", "onegate-kafka-" + i));
      brokers.put("onegate-kafka-" + i + "." + headless, env);
    }
    assertThat(broker.environment().get("KAFKA_NODE_ID").origin())
        .isEqualTo("field metadata.labels['apps.kubernetes.io/pod-index']");
    checkKafkaQuorum(brokers);
    Map<String, Object> pgSet = Kustomize.find(docs, "StatefulSet", "onegate-postgres");
    Map<String, EnvValue> pgEnv = PodContainer.of("pg", docs).stream().filter(c -> c.workload() == pgSet)
        .findFirst().orElseThrow().environment();
    for (PodContainer member : oneGate("deploy/k8s/overlays/production")) {
      Map<String, String> env = literal(member.environment());
      assertThat(hosts(env.get(Settings.KAFKA_BOOTSTRAP_SERVERS.name()))).as(member.name())
          .isEqualTo(brokers.keySet().stream().map(b -> b + ":9092").collect(Collectors.toCollection(TreeSet::new)));
      checkReplication(env, replicas, member.name());
      PostgresDsn dsn = PostgresDsn.parse(env.get(Settings.SQL_DSN.name()));
      Map<String, Object> pgService = Kustomize.find(docs, "Service", dsn.host());
      assertThat(Yamls.mapAt(pgService, "spec.selector")).isEqualTo(Yamls.mapAt(pgSet, "spec.selector.matchLabels"));
      assertThat(dsn.user()).isEqualTo(pgEnv.get("POSTGRES_USER").value().orElseThrow());
      assertThat(dsn.password()).as("SQL_DSN uses the database's password")
          .isEqualTo(pgEnv.get("POSTGRES_PASSWORD").value().orElseThrow());
      assertThat(dsn.database()).isEqualTo(pgEnv.get("POSTGRES_DB").value().orElseThrow());
    }
  }

  @Test
  void gracePeriodsCoverTheDrainAndTheLoadBalancerNoticesItFirst() {
    for (Map.Entry<String, List<Map<String, Object>>> build : builds.entrySet()) {
      for (PodContainer container : oneGate(build.getKey())) {
        Map<String, String> env = literal(container.environment());
        int needed = drainSeconds(env) + DRAIN_MARGIN_SECONDS;
        assertThat((Integer) container.podSpec().get("terminationGracePeriodSeconds")).as(container.name())
            .isGreaterThanOrEqualTo(needed);
      }
    }
    Map<String, Compose.Service> services = Compose.services(Deployments.composeDocument(Deployments.COMPOSE));
    for (Map.Entry<String, Map<String, String>> member : composeOneGate(null).entrySet()) {
      String grace = String.valueOf(services.get(member.getKey()).node().get("stop_grace_period"));
      assertThat(Integer.parseInt(grace.replace("s", ""))).as(member.getKey() + " stop_grace_period")
          .isGreaterThanOrEqualTo(drainSeconds(member.getValue()) + DRAIN_MARGIN_SECONDS);
    }
    // HAProxy marks a draining gateway down (fall × inter) before DRAIN_DELAY ends and new connections are refused.
    String defaults = haproxyLine("default-server");
    int inter = Integer.parseInt(word(defaults, "inter").replace("s", ""));
    int fall = Integer.parseInt(word(defaults, "fall"));
    assertThat(inter * fall).isLessThan(Integer.parseInt(EnvRules.defaultOf("DRAIN_DELAY")));
  }

  @Test
  void proxiesOutlastTheRelaysIdleTimeoutAndAcceptItsLargestBody() {
    for (String timeout : List.of("timeout client", "timeout server")) {
      assertThat(Integer.parseInt(haproxyLine(timeout).split("\\s+")[2].replace("s", ""))).as(timeout)
          .isGreaterThan(STREAM_IDLE_SECONDS);
    }
    List<Map<String, Object>> ingresses = new ArrayList<>();
    builds.values().forEach(docs -> docs.stream().filter(d -> "Ingress".equals(d.get("kind"))).forEach(ingresses::add));
    assertThat(ingresses).hasSize(2);
    for (Map<String, Object> ingress : ingresses) {
      Map<String, Object> annotations = Yamls.mapAt(ingress, "metadata.annotations");
      assertThat(Integer.parseInt(String.valueOf(annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout"))))
          .isGreaterThan(STREAM_IDLE_SECONDS);
      assertThat(String.valueOf(annotations.get("nginx.ingress.kubernetes.io/proxy-buffering"))).isEqualTo("off");
      String body = String.valueOf(annotations.get("nginx.ingress.kubernetes.io/proxy-body-size"));
      assertThat(Integer.parseInt(body.replace("m", ""))).isGreaterThanOrEqualTo(MAX_BODY_MB);
      assertThat(Yamls.listAt(ingress, "spec.tls")).as("TLS ends at the ingress").isNotEmpty();
    }
  }

  @Test
  void oneGatePodsRunUnprivilegedWithBoundedMemoryBudgetsAndAnAutoscaler() {
    for (Map.Entry<String, List<Map<String, Object>>> build : builds.entrySet()) {
      for (PodContainer container : oneGate(build.getKey())) {
        String target = Images.targetOfImage(container.image()).orElseThrow();
        String uid = Images.DOCKERFILE.stage(target).user().orElseThrow().split(":")[0];
        Map<String, Object> pod = Yamls.mapAt(container.podSpec(), "securityContext");
        assertThat(pod).as(container.name()).containsEntry("runAsNonRoot", true)
            .containsEntry("runAsUser", Integer.parseInt(uid));
        assertThat(Yamls.find(container.container(), "securityContext.allowPrivilegeEscalation"))
            .as(container.name()).isNotEqualTo(true);
        long request = mebibytes(Yamls.string(container.container(), "resources.requests.memory"));
        long limit = mebibytes(Yamls.string(container.container(), "resources.limits.memory"));
        assertThat(limit).as(container.name() + " memory limit").isGreaterThanOrEqualTo(request);
        assertThat(limit).as(container.name() + " memory limit above the heap")
            .isGreaterThan(maxHeapMebibytes(target) + 256);
      }
    }
    List<Map<String, Object>> base = builds.get("deploy/k8s/base");
    for (PodContainer container : oneGate("deploy/k8s/base")) {
      Map<String, Object> matchLabels = Yamls.mapAt(container.workload(), "spec.selector.matchLabels");
      assertThat(base).as(container.name() + " has a PodDisruptionBudget").anySatisfy(doc -> {
        assertThat(doc.get("kind")).isEqualTo("PodDisruptionBudget");
        assertThat(Yamls.mapAt(doc, "spec.selector.matchLabels")).isEqualTo(matchLabels);
      });
    }
    Map<String, Object> hpa = Kustomize.find(base, "HorizontalPodAutoscaler", "onegate-gateway");
    assertThat(Yamls.string(hpa, "spec.scaleTargetRef.name")).isEqualTo("onegate-gateway");
    assertThat((Integer) Yamls.at(hpa, "spec.minReplicas")).isGreaterThanOrEqualTo(2);
    assertThat(Yamls.string(Yamls.map(Yamls.listAt(hpa, "spec.metrics").get(0)), "resource.name")).isEqualTo("cpu");
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private static Map<String, List<Map<String, Object>>> kubernetesBuilds() {
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    for (String dir : Deployments.KUSTOMIZATIONS) {
      out.put(dir, Kustomize.build(RepoFiles.path(dir)));
    }
    out.put("deploy/sealos", SealosTemplate.render(RepoFiles.read(Deployments.SEALOS_TEMPLATE)));
    return out;
  }

  private List<PodContainer> oneGate(String build) {
    return PodContainer.of(build, builds.get(build)).stream()
        .filter(c -> Images.targetOfImage(c.image()).isPresent()).toList();
  }

  /** Compose services of OneGate images (of one target, or all when null) → their interpolated environment. */
  private static Map<String, Map<String, String>> composeOneGate(String target) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    Compose.services(Deployments.composeDocument(Deployments.COMPOSE)).forEach((name, service) -> {
      Optional<String> t = service.buildTarget();
      if (t.isPresent() && (target == null || t.get().equals(target))) {
        Map<String, String> env = new LinkedHashMap<>();
        service.environment().forEach((k, v) -> env.put(k, Compose.interpolate(v, Deployments::composeVariable)));
        out.put(name, env);
      }
    });
    return out;
  }

  private static int httpPort(String target, Map<String, EnvValue> env) {
    return Integer.parseInt(Images.effective(target, literal(env), Images.httpPortSetting(target).name()));
  }

  private static Map<String, String> literal(Map<String, EnvValue> env) {
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((k, v) -> v.value().ifPresent(value -> out.put(k, value)));
    return out;
  }

  private static int drainSeconds(Map<String, String> env) {
    return Integer.parseInt(env.getOrDefault("DRAIN_DELAY", EnvRules.defaultOf("DRAIN_DELAY")))
        + Integer.parseInt(env.getOrDefault("DRAIN_TIMEOUT", EnvRules.defaultOf("DRAIN_TIMEOUT")));
  }

  /** Node ids, voters, listeners and the cluster id of a KRaft quorum whose brokers are also its controllers. */
  private static void checkKafkaQuorum(Map<String, Map<String, String>> brokers) {
    Set<String> voters = new TreeSet<>();
    Set<String> clusterIds = new TreeSet<>();
    Set<String> votersSeen = new TreeSet<>();
    brokers.forEach((name, env) -> {
      voters.add(env.get("KAFKA_NODE_ID") + "@" + name + ":9093");
      assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).as(name).isEqualTo("PLAINTEXT://" + name + ":9092");
      assertThat(env.get("KAFKA_LISTENERS")).as(name).contains("PLAINTEXT://:9092", "CONTROLLER://:9093");
      votersSeen.add(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
      clusterIds.add(env.get("CLUSTER_ID"));
    });
    assertThat(votersSeen).hasSize(1);
    assertThat(new TreeSet<>(List.of(votersSeen.iterator().next().split(",")))).isEqualTo(voters);
    assertThat(clusterIds).hasSize(1);
    assertThat(Uuid.fromString(clusterIds.iterator().next())).isNotNull();
    for (Map<String, String> env : brokers.values()) {
      assertThat(Integer.parseInt(env.get("KAFKA_DEFAULT_REPLICATION_FACTOR"))).isEqualTo(brokers.size());
      assertThat(Integer.parseInt(env.get("KAFKA_MIN_INSYNC_REPLICAS"))).isEqualTo(brokers.size() - 1);
      assertThat(env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).isEqualTo("false");
    }
  }

  /** Topics tolerate one broker down: RF = brokers (3), min ISR = RF - 1. */
  private static void checkReplication(Map<String, String> env, int brokers, String where) {
    int factor = Integer.parseInt(env.getOrDefault("KAFKA_REPLICATION_FACTOR", EnvRules.defaultOf("KAFKA_REPLICATION_FACTOR")));
    int minIsr = Integer.parseInt(env.getOrDefault("KAFKA_MIN_INSYNC_REPLICAS",
        EnvRules.defaultOf("KAFKA_MIN_INSYNC_REPLICAS")));
    assertThat(factor).as(where + " KAFKA_REPLICATION_FACTOR").isEqualTo(brokers).isEqualTo(3);
    assertThat(minIsr).as(where + " KAFKA_MIN_INSYNC_REPLICAS").isEqualTo(2);
  }

  private static Set<String> hosts(String list) {
    return new TreeSet<>(List.of(list.split(",")));
  }

  private static String haproxyLine(String prefix) {
    return RepoFiles.read(Probes.HAPROXY).lines().map(String::trim).filter(l -> l.startsWith(prefix + " "))
        .findFirst().orElseThrow(() -> new AssertionError("haproxy.cfg has no " + prefix));
  }

  private static String word(String line, String key) {
    List<String> words = List.of(line.split("\\s+"));
    return words.get(words.indexOf(key) + 1);
  }

  private static long mebibytes(String quantity) {
    if (quantity.endsWith("Gi")) {
      return Long.parseLong(quantity.replace("Gi", "")) * 1024;
    }
    if (quantity.endsWith("Mi")) {
      return Long.parseLong(quantity.replace("Mi", ""));
    }
    throw new IllegalArgumentException("memory quantity not in Mi/Gi: " + quantity);
  }

  /** -Xmx of the image's JDK_JAVA_OPTIONS, in MiB. */
  private static long maxHeapMebibytes(String target) {
    String options = Images.DOCKERFILE.stage(target).env().get("JDK_JAVA_OPTIONS");
    String xmx = List.of(options.split("\\s+")).stream().filter(o -> o.startsWith("-Xmx")).findFirst().orElseThrow();
    return Long.parseLong(xmx.substring(4, xmx.length() - 1)) * (xmx.endsWith("g") ? 1024 : 1);
  }

  private static boolean inCidr(String address, String cidr) {
    String[] parts = cidr.split("/");
    int bits = Integer.parseInt(parts[1]);
    long mask = bits == 0 ? 0 : 0xffffffffL << (32 - bits) & 0xffffffffL;
    return (ipv4(address) & mask) == (ipv4(parts[0]) & mask);
  }

  private static long ipv4(String address) {
    return IntStream.range(0, 4).mapToLong(i -> Long.parseLong(address.split("\\.")[i]) << (24 - 8 * i))
        .reduce(0, (a, b) -> a | b);
  }
}
