package io.onegate.common.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A host name (or IP literal) with an optional port, as in {@code ALLOWED_HOSTS} and in {@code Host}/{@code Origin}
 * authorities: {@code gate.example.com}, {@code gate.example.com:8443}, {@code 10.0.0.5}, {@code [::1]:3000}.
 * Names are compared case-insensitively without a trailing dot; {@code port} -1 matches any port.
 */
public record HostPattern(String host, int port) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*"
      + "[a-z0-9_])?)*");
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d))"
      + "{3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+");

  /** Parses {@code host[:port]} (IPv6 in brackets, or bare without a port). */
  public static HostPattern parse(String raw) {
    return parseAuthority(raw).orElseThrow(() -> new IllegalArgumentException("'" + raw + "' is not a host name "
        + "with an optional :port"));
  }

  /** Comma-separated {@link #parse} (blank: none). */
  public static List<HostPattern> parseList(String raw) {
    return Parsers.list(raw).stream().map(HostPattern::parse).toList();
  }

  /** An authority ({@code Host} header value or the part of an URL after the scheme); empty when malformed. */
  public static Optional<HostPattern> parseAuthority(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String s = raw.trim().toLowerCase(Locale.ROOT);
    String host;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          return Optional.empty();
        }
        port = rest.substring(1);
      }
    } else if (s.indexOf(':') != s.lastIndexOf(':')) {
      host = s; // bare IPv6 literal
    } else {
      int colon = s.indexOf(':');
      host = colon < 0 ? s : s.substring(0, colon);
      port = colon < 0 ? null : s.substring(colon + 1);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    boolean v6 = host.contains(":");
    if (host.isEmpty() || (v6 ? !IPV6.matcher(host).matches() : !NAME.matcher(host).matches())) {
      return Optional.empty();
    }
    int p = -1;
    if (port != null) {
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      if (p < 1 || p > 65535) {
        return Optional.empty();
      }
    }
    return Optional.of(new HostPattern(host, p));
  }

  /** True when {@code other} (a concrete authority) is this host, on this pattern's port if it has one. */
  public boolean matches(HostPattern other) {
    return host.equals(other.host) && (port < 0 || port == other.port);
  }

  /** True for an IPv4 or IPv6 literal (no name lookup involved). */
  public boolean ipLiteral() {
    return host.contains(":") || IPV4.matcher(host).matches();
  }
}
