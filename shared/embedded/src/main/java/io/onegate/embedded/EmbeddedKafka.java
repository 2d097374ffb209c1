package io.onegate.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka node in KRaft mode (broker and controller in one), in this JVM, listening on 127.0.0.1 only: a
 * single-node cluster ({@link #start(Path, int)}, the standalone launcher and tests) or one member of a multi-node
 * quorum ({@link #start(Node)}, see {@link KafkaBrokerMain}). Its log directory is formatted once and kept, so data
 * survives restarts; after an abrupt stop the node recovers its log as Kafka does.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final KafkaRaftServer server;
  private final int port;

  private EmbeddedKafka(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * One node of a cluster.
   *
   * @param nodeId         this node's id (1..n)
   * @param port           its client (PLAINTEXT) port
   * @param controllerPorts every node's controller port by node id (the static quorum)
   * @param clusterId      the cluster id every node's storage is formatted with
   * @param replication    default and internal-topic replication factor; min.insync.replicas is {@code minInSync}
   */
  public record Node(int nodeId, int port, Map<Integer, Integer> controllerPorts, String clusterId, Path logDir,
                     int replication, int minInSync) {
    /** A single-node cluster on {@code port}, its controller on a free port. */
    public static Node single(Path logDir, int port) {
      return new Node(1, port, Map.of(1, FreePorts.find()), Uuid.randomUuid().toString(), logDir, 1, 1);
    }

    Properties properties() {
      int controllerPort = controllerPorts.get(nodeId);
      Properties props = new Properties();
      props.put("process.roles", "broker,controller");
      props.put("node.id", String.valueOf(nodeId));
      props.put("controller.quorum.voters", controllerPorts.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .map(e -> e.getKey() + "@127.0.0.1:" + e.getValue()).collect(Collectors.joining(",")));
      props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
      props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
      props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      props.put("controller.listener.names", "CONTROLLER");
      props.put("inter.broker.listener.name", "PLAINTEXT");
      props.put("log.dirs", logDir.toAbsolutePath().toString());
      props.put("offsets.topic.replication.factor", String.valueOf(replication));
      props.put("offsets.topic.num.partitions", "6");
      props.put("default.replication.factor", String.valueOf(replication));
      props.put("min.insync.replicas", String.valueOf(minInSync));
      props.put("transaction.state.log.replication.factor", String.valueOf(replication));
      props.put("transaction.state.log.min.isr", String.valueOf(minInSync));
      props.put("group.initial.rebalance.delay.ms", "0");
      props.put("auto.create.topics.enable", "false");
      props.put("num.partitions", "6");
      if (controllerPorts.size() == 1) {
        // One node: its disk is the only copy, so every message is forced; it is also the only possible leader.
        props.put("log.flush.interval.messages", "1");
        props.put("unclean.leader.election.enable", "true");
      }
      props.put("num.network.threads", "2");
      // A restart after kill -9 waits for the dead node's session to expire: keep that short.
      props.put("broker.session.timeout.ms", "3000");
      props.put("broker.heartbeat.interval.ms", "500");
      props.put("num.io.threads", "2");
      props.put("background.threads", "2");
      props.put("log.cleaner.enable", "false");
      props.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
      props.put("log.retention.hours", "168");
      return props;
    }
  }

  /** Formats {@code logDir} if needed and starts a single-node cluster; blocking (a few seconds). */
  public static EmbeddedKafka start(Path logDir, int port) throws IOException {
    return start(Node.single(logDir, port));
  }

  /** Formats the node's log directory if needed and starts it; blocking (a few seconds). */
  public static EmbeddedKafka start(Node node) throws IOException {
    Path logDir = node.logDir();
    Files.createDirectories(logDir);
    Properties props = node.properties();
    Path configFile = logDir.resolve("onegate-server.properties");
    try (OutputStream out = Files.newOutputStream(configFile)) {
      props.store(out, "written by OneGate's embedded Kafka; rewritten at every start");
    }
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      int rc = StorageTool.execute(new String[] {"format", "-t", node.clusterId(), "-c", configFile.toString(),
          "--ignore-formatted"}, new PrintStream(captured, true, StandardCharsets.UTF_8));
      if (rc != 0) {
        throw new IOException("cannot format the Kafka log directory " + logDir + ": "
            + captured.toString(StandardCharsets.UTF_8).trim());
      }
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    return new EmbeddedKafka(server, node.port());
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
