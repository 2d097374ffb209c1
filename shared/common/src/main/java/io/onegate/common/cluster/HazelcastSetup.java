package io.onegate.common.cluster;

import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.kubernetes.KubernetesProperties;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.Arrays;
import java.util.Optional;

/**
 * Hazelcast member configuration for every OneGate process: Vert.x's defaults (the event-bus maps it needs),
 * multicast off, TCP/IP join with {@code HAZELCAST_MEMBERS} — or, on Kubernetes, a DNS lookup of the headless
 * service named by {@code HAZELCAST_KUBERNETES_SERVICE_DNS} — bound to {@code HAZELCAST_INTERFACE}, and the cluster
 * name that keeps separate deployments (and parallel test runs) apart.
 */
public final class HazelcastSetup {
  /** How long a member started with Kubernetes discovery keeps looking for others before it forms a cluster alone. */
  static final int DISCOVERY_JOIN_WAIT_SECONDS = 5;

  private HazelcastSetup() {
  }

  public static com.hazelcast.config.Config memberConfig(Config config) {
    com.hazelcast.config.Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(config.get(Settings.HAZELCAST_CLUSTER_NAME));
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "15");
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    // Listen on HAZELCAST_INTERFACE only (Hazelcast otherwise binds every interface).
    hz.setProperty("hazelcast.socket.bind.any", "false");
    // No Management Center reads them: skip the metrics collector and the health monitor, whose periodic
    // /proc and cgroup reads wake threads next to the relay's event loops.
    hz.getMetricsConfig().setEnabled(false);
    hz.setProperty("hazelcast.health.monitoring.level", "OFF");
    String iface = config.get(Settings.HAZELCAST_INTERFACE);
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(config.get(Settings.HAZELCAST_PORT)).setPortAutoIncrement(true).setPortCount(200);
    network.setPublicAddress(null);
    network.getInterfaces().setEnabled(true).addInterface(iface);
    hz.setProperty("hazelcast.local.localAddress", iface);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    Optional<String> serviceDns = config.find(Settings.HAZELCAST_KUBERNETES_SERVICE_DNS);
    if (serviceDns.isPresent()) {
      // DNS lookup mode of the Kubernetes discovery built into Hazelcast: every A record of the headless service
      // is a candidate member on HAZELCAST_PORT. Hazelcast allows one join method, so TCP/IP stays off.
      join.getTcpIpConfig().setEnabled(false);
      // The discovery joiner looks members up only during this wait (0 would mean "never"); it returns as soon as
      // the lookup names another member, so only the first pod of a fresh cluster waits the whole time.
      hz.setProperty("hazelcast.wait.seconds.before.join", String.valueOf(DISCOVERY_JOIN_WAIT_SECONDS));
      join.getKubernetesConfig().setEnabled(true)
          .setProperty(KubernetesProperties.SERVICE_DNS.key(), serviceDns.get())
          .setProperty(KubernetesProperties.SERVICE_PORT.key(), String.valueOf(config.get(Settings.HAZELCAST_PORT)));
    } else {
      join.getTcpIpConfig().setEnabled(true)
          .setMembers(Arrays.stream(config.get(Settings.HAZELCAST_MEMBERS).split(","))
              .map(String::trim).filter(s -> !s.isEmpty()).toList());
    }
    return hz;
  }
}
