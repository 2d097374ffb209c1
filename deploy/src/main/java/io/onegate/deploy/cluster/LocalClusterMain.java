package io.onegate.deploy.cluster;

import io.onegate.common.process.Termination;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code deploy/local-cluster.sh}: the production topology on this machine's loopback — 3 gateways, 2 billing
 * workers, 2 health workers, a 3-node KRaft Kafka cluster (replication 3, min.insync.replicas 2) and PostgreSQL,
 * each a process of its own — with its data under the directory given as argument (default
 * {@code ./data/local-cluster}, kept between runs). Prints where everything listens; Ctrl-C stops all of it.
 */
public final class LocalClusterMain {
  private LocalClusterMain() {
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : "data/local-cluster").toAbsolutePath().normalize();
    System.out.println("starting the local cluster under " + root + " (about a minute) ...");
    LocalCluster cluster = LocalCluster.start(LocalCluster.Options.production(root), Duration.ofMinutes(5));
    CountDownLatch stopped = new CountDownLatch(1);
    Termination.install("local-cluster", delayed -> {
      System.out.println("stopping the local cluster (every process drains) ...");
      cluster.close();
      stopped.countDown();
    });
    System.out.println();
    System.out.print(cluster.describe());
    System.out.println();
    System.out.println("Console: any gateway URL above, first login root / 123456. Ctrl-C stops everything.");
    stopped.await();
  }
}
