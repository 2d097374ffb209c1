package io.onegate.providers.support;

import io.onegate.common.domain.Channel;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Base-URL and query helpers shared by adaptors. */
public final class Urls {
  private Urls() {
  }

  /** The channel's base URL (or the type's default) without trailing slashes. */
  public static String base(Channel channel, String defaultBase) {
    String base = channel.baseUrl().isBlank() ? defaultBase : channel.baseUrl().strip();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return base;
  }

  /** Percent-encodes a query value or path segment. */
  public static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
