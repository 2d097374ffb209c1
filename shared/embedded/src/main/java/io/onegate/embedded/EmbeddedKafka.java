package io.onegate.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one), in this JVM, listening on
 * 127.0.0.1 only. Its log directory is formatted once and kept, so data survives restarts of the standalone
 * launcher; after an abrupt stop the broker recovers its log as Kafka does.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final KafkaRaftServer server;
  private final int port;

  private EmbeddedKafka(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Formats {@code logDir} if needed and starts the broker; blocking (a few seconds). */
  public static EmbeddedKafka start(Path logDir, int port) throws IOException {
    int controllerPort = FreePorts.find();
    Files.createDirectories(logDir);
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", logDir.toAbsolutePath().toString());
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "6");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    props.put("num.partitions", "6");
    props.put("log.flush.interval.messages", "1");
    props.put("unclean.leader.election.enable", "true");
    props.put("num.network.threads", "2");
    // A restart after kill -9 waits for the dead broker's session to expire: keep that short on one node.
    props.put("broker.session.timeout.ms", "3000");
    props.put("broker.heartbeat.interval.ms", "500");
    props.put("num.io.threads", "2");
    props.put("background.threads", "2");
    props.put("log.cleaner.enable", "false");
    props.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    props.put("log.retention.hours", "168");
    Path configFile = logDir.resolve("onegate-server.properties");
    try (OutputStream out = Files.newOutputStream(configFile)) {
      props.store(out, "written by OneGate's embedded Kafka; rewritten at every start");
    }
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
          configFile.toString(), "--ignore-formatted"}, new PrintStream(captured, true, StandardCharsets.UTF_8));
      if (rc != 0) {
        throw new IOException("cannot format the Kafka log directory " + logDir + ": "
            + captured.toString(StandardCharsets.UTF_8).trim());
      }
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    return new EmbeddedKafka(server, port);
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
