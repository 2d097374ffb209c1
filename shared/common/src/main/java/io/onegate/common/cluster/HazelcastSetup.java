package io.onegate.common.cluster;

import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.Arrays;

/**
 * Hazelcast member configuration for every OneGate process: Vert.x's defaults (the event-bus maps it needs),
 * multicast off, TCP/IP join with {@code HAZELCAST_MEMBERS}, bound to {@code HAZELCAST_INTERFACE}, and the
 * cluster name that keeps separate deployments (and parallel test runs) apart.
 */
public final class HazelcastSetup {
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
    join.getTcpIpConfig().setEnabled(true)
        .setMembers(Arrays.stream(config.get(Settings.HAZELCAST_MEMBERS).split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).toList());
    return hz;
  }
}
