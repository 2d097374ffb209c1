package io.onegate.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How members find each other: the TCP member list by default, and on Kubernetes a DNS lookup of a headless service.
 * Kubernetes itself is not available here; the DNS mode is proven with a name every machine resolves (localhost),
 * which is exactly what the headless service's A records are to Hazelcast.
 */
class HazelcastSetupTest {
  private final List<HazelcastInstance> members = new ArrayList<>();

  @AfterEach
  void stopMembers() {
    members.forEach(HazelcastInstance::shutdown);
  }

  @Test
  void withoutServiceDnsMembersJoinOverTcpWithTheListedAddresses() {
    com.hazelcast.config.Config hz = HazelcastSetup.memberConfig(Config.of(Map.of(
        Settings.HAZELCAST_MEMBERS.name(), "10.0.0.5, 10.0.0.6:5702")));
    JoinConfig join = hz.getNetworkConfig().getJoin();

    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.5", "10.0.0.6:5702");
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(hz.getProperty("hazelcast.wait.seconds.before.join")).as("TCP members join at once").isEqualTo("0");
  }

  @Test
  void serviceDnsReplacesTheMemberListWithKubernetesDnsLookupOnTheHazelcastPort() {
    com.hazelcast.config.Config hz = HazelcastSetup.memberConfig(Config.of(Map.of(
        Settings.HAZELCAST_KUBERNETES_SERVICE_DNS.name(), "onegate-hazelcast.onegate.svc.cluster.local",
        Settings.HAZELCAST_MEMBERS.name(), "10.0.0.5",
        Settings.HAZELCAST_PORT.name(), "5711")));
    JoinConfig join = hz.getNetworkConfig().getJoin();

    KubernetesConfig kubernetes = join.getKubernetesConfig();
    assertThat(kubernetes.isEnabled()).isTrue();
    assertThat(kubernetes.getProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "service-dns", "onegate-hazelcast.onegate.svc.cluster.local",
        "service-port", "5711"));
    assertThat(join.getTcpIpConfig().isEnabled()).as("one join method only").isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    // Hazelcast's discovery joiner only looks members up while this wait lasts.
    assertThat(Integer.parseInt(hz.getProperty("hazelcast.wait.seconds.before.join"))).isPositive();
  }

  @Test
  void membersFormOneClusterThroughTheDnsLookupAloneWithoutTheMemberList() throws IOException {
    int port = freePort();
    Map<String, String> env = Map.of(
        Settings.HAZELCAST_CLUSTER_NAME.name(), "dns-join-test-" + UUID.randomUUID(),
        Settings.HAZELCAST_KUBERNETES_SERVICE_DNS.name(), "localhost",
        Settings.HAZELCAST_INTERFACE.name(), "127.0.0.1",
        Settings.HAZELCAST_PORT.name(), String.valueOf(port),
        // Nothing listens here: were the member list used, the second member would stay alone.
        Settings.HAZELCAST_MEMBERS.name(), "127.0.0.1:1");

    HazelcastInstance first = start(env);
    // The first member holds the port; the second binds the next one and finds the first by the DNS answer.
    HazelcastInstance second = start(env);

    assertThat(second.getCluster().getLocalMember().getAddress().getPort()).isNotEqualTo(port);
    assertThat(second.getCluster().getMembers()).hasSize(2);
    assertThat(first.getCluster().getMembers()).hasSize(2);
  }

  private HazelcastInstance start(Map<String, String> env) {
    HazelcastInstance member = Hazelcast.newHazelcastInstance(HazelcastSetup.memberConfig(Config.of(env)));
    members.add(member);
    return member;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
