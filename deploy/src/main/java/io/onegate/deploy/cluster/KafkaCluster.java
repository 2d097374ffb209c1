package io.onegate.deploy.cluster;

import io.onegate.embedded.FreePorts;
import io.onegate.embedded.KafkaBrokerMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A KRaft Kafka cluster of {@code n} nodes on 127.0.0.1, each a {@link KafkaBrokerMain} JVM of its own (combined
 * broker and controller, node ids 1..n), with the given default replication and min.insync.replicas. Its data lives
 * under {@code root} (the cluster id is kept there, so a restart on the same directory is the same cluster).
 */
public final class KafkaCluster implements AutoCloseable {
  /** One node: its handle and client port. */
  public record Node(int nodeId, JavaProcess process, int port) {
  }

  private final List<Node> nodes = new ArrayList<>();

  private KafkaCluster() {
  }

  /** Starts the nodes and waits until all of them are registered brokers. */
  public static KafkaCluster start(Path root, int count, int replication, int minInSync, List<String> jvmOptions,
                                   Duration timeout) throws Exception {
    KafkaCluster cluster = new KafkaCluster();
    try {
      cluster.startNodes(root, count, replication, minInSync, jvmOptions);
      cluster.awaitBrokers(count, timeout);
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void startNodes(Path root, int count, int replication, int minInSync, List<String> jvmOptions)
      throws IOException {
    Files.createDirectories(root);
    Path idFile = root.resolve("kafka-cluster.id");
    if (!Files.exists(idFile)) {
      Files.writeString(idFile, org.apache.kafka.common.Uuid.randomUuid().toString(), StandardCharsets.UTF_8);
    }
    String clusterId = Files.readString(idFile, StandardCharsets.UTF_8).trim();
    Map<Integer, Integer> controllers = new LinkedHashMap<>();
    Map<Integer, Integer> ports = new LinkedHashMap<>();
    for (int id = 1; id <= count; id++) {
      controllers.put(id, FreePorts.find());
      ports.put(id, FreePorts.find());
    }
    String voters = controllers.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
        .collect(Collectors.joining(","));
    for (int id = 1; id <= count; id++) {
      JavaProcess p = new JavaProcess("kafka-" + id, jvmOptions, KafkaBrokerMain.class.getName(),
          List.of("node.id=" + id, "port=" + ports.get(id), "controllers=" + voters, "cluster.id=" + clusterId,
              "log.dir=" + root.resolve("kafka-" + id).toAbsolutePath(), "replication=" + replication,
              "min.insync=" + minInSync), Map.of(), root.resolve("logs/kafka-" + id + ".log"));
      nodes.add(new Node(id, p, ports.get(id)));
      p.start();
    }
  }

  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  public Node node(int nodeId) {
    return nodes.get(nodeId - 1);
  }

  public String bootstrap() {
    return nodes.stream().map(k -> "127.0.0.1:" + k.port()).collect(Collectors.joining(","));
  }

  /** Waits until {@code count} nodes are registered (unfenced) brokers of the cluster. */
  public void awaitBrokers(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (nodes.stream().filter(k -> listening(k.port())).count() < count) { // listening, before asking
      checkAlive();
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("Kafka has not " + count + " nodes listening within " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
      while (true) {
        try {
          if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
            return;
          }
        } catch (ExecutionException | TimeoutException notYet) {
          // not up yet
        }
        checkAlive();
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("Kafka has not " + count + " brokers within " + timeout);
        }
        TimeUnit.MILLISECONDS.sleep(250);
      }
    }
  }

  private void checkAlive() {
    for (Node k : nodes) {
      if (!k.process().alive() && k.process().awaitExit(Duration.ZERO).isPresent()) {
        throw new IllegalStateException(k.process() + " exited; see " + k.process().log());
      }
    }
  }

  private static boolean listening(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops every node (SIGTERM, SIGKILL after 30 s). */
  @Override
  public void close() {
    nodes.forEach(k -> k.process().terminate());
    nodes.forEach(k -> k.process().stop(Duration.ofSeconds(30)));
  }
}
