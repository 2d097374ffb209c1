package io.onegate.gateway.relay;

import io.onegate.gateway.state.IpRange;
import java.util.List;
import java.util.Optional;

/**
 * The client address for subnet checks: the TCP peer, unless the peer is a trusted proxy (TRUSTED_PROXIES), in
 * which case X-Forwarded-For is walked from the right, skipping trusted proxies, to the first untrusted address.
 * Pure; never resolves names.
 */
public final class ClientIp {
  private final List<IpRange> trusted;

  public ClientIp(List<IpRange> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /** Null when no usable address is known. */
  public byte[] resolve(String peer, String forwardedFor) {
    byte[] peerBytes = peer == null ? null : IpRange.literal(stripBrackets(peer)).orElse(null);
    if (peerBytes == null || trusted.isEmpty() || forwardedFor == null || forwardedFor.isBlank()
        || !IpRange.anyContains(trusted, peerBytes)) {
      return peerBytes;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      Optional<byte[]> hop = IpRange.literal(stripBrackets(hops[i].trim()));
      if (hop.isEmpty()) {
        return peerBytes; // a malformed hop: do not trust anything left of it
      }
      if (!IpRange.anyContains(trusted, hop.get())) {
        return hop.get();
      }
    }
    return peerBytes;
  }

  private static String stripBrackets(String s) {
    return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
  }
}
