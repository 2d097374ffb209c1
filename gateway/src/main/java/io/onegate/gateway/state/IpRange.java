package io.onegate.gateway.state;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An IPv4/IPv6 address or CIDR block. Parsing accepts only IP literals (never a host name, so no DNS lookup can
 * happen); matching is a prefix compare of the address bytes. Immutable.
 */
public record IpRange(byte[] network, int prefixBits) {

  /** Parses "10.0.0.0/8", "192.168.1.7", "::1" or "fd00::/8"; empty when malformed. */
  public static Optional<IpRange> parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    Optional<byte[]> bytes = literal(addr);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    int max = bytes.get().length * 8;
    int bits = max;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      if (bits < 0 || bits > max) {
        return Optional.empty();
      }
    }
    return Optional.of(new IpRange(bytes.get(), bits));
  }

  /** A comma-separated list; malformed entries are dropped. */
  public static List<IpRange> parseList(String text) {
    List<IpRange> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        parse(part).ifPresent(out::add);
      }
    }
    return List.copyOf(out);
  }

  /** The bytes of an IP literal; empty for anything else (host names are refused before any lookup). */
  public static Optional<byte[]> literal(String addr) {
    if (addr.isEmpty() || addr.length() > 45) {
      return Optional.empty();
    }
    boolean colon = false;
    for (int i = 0; i < addr.length(); i++) {
      char c = addr.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (c == ':') {
        colon = true;
      } else if (!hex && c != '.') {
        return Optional.empty();
      }
    }
    if (!colon) {
      for (int i = 0; i < addr.length(); i++) {
        char c = addr.charAt(i);
        if (c != '.' && (c < '0' || c > '9')) {
          return Optional.empty();
        }
      }
    }
    try {
      return Optional.of(InetAddress.getByName(addr).getAddress());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefixBits / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[full] & mask) == (network[full] & mask);
  }

  public static boolean anyContains(List<IpRange> ranges, byte[] address) {
    for (IpRange r : ranges) {
      if (r.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
