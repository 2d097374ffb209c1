package io.onegate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.gateway.state.IpRange;
import org.junit.jupiter.api.Test;

class ClientIpTest {
  private static String text(byte[] b) {
    return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
  }

  @Test
  void forwardedForIsBelievedOnlyFromTrustedProxies() {
    ClientIp ip = new ClientIp(IpRange.parseList("192.168.0.0/16"));
    assertThat(text(ip.resolve("203.0.113.9", "10.9.0.1"))).isEqualTo("203.0.113.9");
    assertThat(text(ip.resolve("192.168.1.1", "10.9.0.1, 192.168.1.2"))).isEqualTo("10.9.0.1");
    assertThat(text(ip.resolve("192.168.1.1", "evil.example, 10.9.0.1"))).isEqualTo("10.9.0.1");
    assertThat(text(new ClientIp(IpRange.parseList("")).resolve("127.0.0.1", "10.9.0.1"))).isEqualTo("127.0.0.1");
  }
}
