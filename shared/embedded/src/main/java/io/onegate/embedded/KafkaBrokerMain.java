package io.onegate.embedded;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One node of a multi-node KRaft cluster in a JVM of its own (the local cluster and the cluster fault suite run
 * three, so that one can be killed): combined broker and controller on 127.0.0.1. Arguments, all required:
 * {@code node.id=1 port=9092 controllers=1:19092,2:19093,3:19094 cluster.id=<uuid> log.dir=<path>
 * replication=3 min.insync=2}. SIGTERM stops it cleanly; a restart on the same log directory rejoins.
 */
public final class KafkaBrokerMain {
  private KafkaBrokerMain() {
  }

  public static void main(String[] args) throws Exception {
    io.onegate.common.process.ParentWatch.install();
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got " + arg);
      }
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    Map<Integer, Integer> controllers = new HashMap<>();
    for (String item : required(a, "controllers").split(",")) {
      String[] idPort = item.split(":");
      controllers.put(Integer.parseInt(idPort[0]), Integer.parseInt(idPort[1]));
    }
    EmbeddedKafka.Node node = new EmbeddedKafka.Node(Integer.parseInt(required(a, "node.id")),
        Integer.parseInt(required(a, "port")), controllers, required(a, "cluster.id"), Path.of(required(a, "log.dir")),
        Integer.parseInt(required(a, "replication")), Integer.parseInt(required(a, "min.insync")));
    EmbeddedKafka kafka = EmbeddedKafka.start(node);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      kafka.close();
      stopped.countDown();
    }, "kafka-node-stop"));
    System.out.println("kafka node " + node.nodeId() + " started on " + kafka.bootstrapServers());
    stopped.await();
  }

  private static String required(Map<String, String> args, String key) {
    String v = args.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("missing " + key + "=");
    }
    return v;
  }
}
