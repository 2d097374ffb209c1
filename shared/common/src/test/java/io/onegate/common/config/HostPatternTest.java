package io.onegate.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ALLOWED_HOSTS entries and Host/Origin authorities: names, IP literals, optional ports. */
class HostPatternTest {
  @Test
  void parsesNamesAndLiteralsWithOptionalPorts() {
    assertThat(HostPattern.parseList(" Gate.Example.com , api.example.com:8443,10.0.0.5,[::1]:3000, ::1 "))
        .containsExactly(
        new HostPattern("gate.example.com", -1), new HostPattern("api.example.com", 8443),
        new HostPattern("10.0.0.5", -1), new HostPattern("::1", 3000), new HostPattern("::1", -1));
    assertThat(HostPattern.parseList("")).isEmpty();
    assertThat(HostPattern.parseAuthority("example.com.:80")).contains(new HostPattern("example.com", 80));
  }

  @ParameterizedTest
  @ValueSource(strings = {"exa mple.com", "example.com:0", "example.com:70000", "example.com:x", "[::1", "-bad.com",
      "a..b", "http://example.com", "ex@mple.com"})
  void refusesWhatIsNoHost(String raw) {
    assertThat(HostPattern.parseAuthority(raw)).isEmpty();
    assertThatThrownBy(() -> HostPattern.parse(raw)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void matchesAnyPortUnlessOneIsGiven() {
    HostPattern any = HostPattern.parse("gate.example.com");
    HostPattern exact = HostPattern.parse("gate.example.com:8443");
    assertThat(any.matches(HostPattern.parse("GATE.example.com:3000"))).isTrue();
    assertThat(any.matches(HostPattern.parse("gate.example.com.evil.com"))).isFalse();
    assertThat(exact.matches(HostPattern.parse("gate.example.com:8443"))).isTrue();
    assertThat(exact.matches(HostPattern.parse("gate.example.com"))).isFalse();
    assertThat(List.of("127.0.0.1", "10.1.2.3:80", "[::1]:3000", "[2001:db8::1]").stream()
        .allMatch(h -> HostPattern.parse(h).ipLiteral())).isTrue();
    assertThat(HostPattern.parse("localhost").ipLiteral()).isFalse();
    assertThat(HostPattern.parse("1.2.3.4.nip.io").ipLiteral()).as("a name that looks like an address").isFalse();
  }
}
