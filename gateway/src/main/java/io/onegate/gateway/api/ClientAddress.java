package io.onegate.gateway.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/**
 * The client address of a management request ({@code TRUSTED_PROXIES} applied, see {@code ClientIp}): its text for
 * messages and the key its limits count under — the address itself for IPv4, the /64 network for IPv6 (a single
 * host is routinely given a whole /64, so per-address limits on full IPv6 addresses would not limit anything).
 */
public record ClientAddress(String text, String limitKey) {
  public static final ClientAddress UNKNOWN = new ClientAddress("unknown", "unknown");

  /** From the resolved address bytes (4 or 16); {@link #UNKNOWN} for null. */
  public static ClientAddress of(byte[] address) {
    if (address == null) {
      return UNKNOWN;
    }
    String text;
    try {
      text = InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      return UNKNOWN;
    }
    if (address.length == 16) {
      byte[] network = java.util.Arrays.copyOf(address, 8);
      return new ClientAddress(text, HexFormat.of().formatHex(network) + "::/64");
    }
    return new ClientAddress(text, text);
  }
}
