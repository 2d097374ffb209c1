package io.onegate.gateway.api;

import io.onegate.common.config.HostPattern;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Cross-site request forgery and DNS-rebinding defence for requests a session cookie authenticates (and for
 * logins, which set one); requests with an access token are not concerned (no ambient credential).
 *
 * <ul>
 *   <li><b>Host</b>: the {@code Host} header must be an allowed host: localhost, an IP literal (a browser sends one
 *   only when the page itself was loaded from that address, so it cannot come from a rebinding DNS name), the host
 *   of the {@code ServerAddress} option, or one of {@code ALLOWED_HOSTS}. A page on {@code attacker.example} whose
 *   name was rebound to this server therefore cannot log in nor use a cookie, though the browser sees it as
 *   same-origin.</li>
 *   <li><b>Provenance</b> of a state-changing request (POST/PUT/DELETE and the GETs that change state): refused when
 *   {@code Sec-Fetch-Site} is {@code cross-site}; accepted when it is {@code same-origin} or {@code none}; otherwise
 *   the {@code Origin} (else the {@code Referer}) must name exactly the request's own host and port, or a host of
 *   {@code ALLOWED_HOSTS} or {@code ServerAddress} (not merely localhost: another local port is another site), and
 *   an opaque {@code Origin: null} is refused. A request with none of these headers has no browser provenance (a
 *   script, curl) and is accepted: only a browser carries an ambient cookie to forge with. No custom header is
 *   needed (One API's web UI sends none).</li>
 * </ul>
 * Refusals are HTTP 403 with a message naming the rule.
 */
final class SameOriginPolicy {
  private final List<HostPattern> allowed;
  private final Supplier<Future<String>> serverAddress;

  /**
   * @param extra         {@code ALLOWED_HOSTS}
   * @param serverAddress reads the current {@code ServerAddress} option (asked only for a host not otherwise
   *                      allowed)
   */
  SameOriginPolicy(List<HostPattern> extra, Supplier<Future<String>> serverAddress) {
    this.allowed = List.copyOf(extra);
    this.serverAddress = serverAddress;
  }

  /** Checks a request that a session cookie authenticates or that logs in; fails with a 403 refusal. */
  Future<Void> check(HttpServerRequest request, boolean changesState) {
    Future<Void> provenance;
    try {
      provenance = changesState ? provenance(request) : Future.succeededFuture();
    } catch (ApiException e) {
      provenance = Future.failedFuture(e);
    }
    return provenance.compose(v -> host(request));
  }

  private Future<Void> host(HttpServerRequest request) {
    String header = authority(request);
    if (header == null) {
      return Future.succeededFuture(); // HTTP/1.0 without Host: not a browser
    }
    Optional<HostPattern> host = HostPattern.parseAuthority(header);
    if (host.isEmpty()) {
      return Future.failedFuture(ApiException.crossSite("malformed Host header refused"));
    }
    Future<Boolean> allowed = host.get().ipLiteral() || host.get().host().equals("localhost")
        ? Future.succeededFuture(true) : named(host.get());
    return allowed.map(ok -> {
      if (!ok) {
        throw ApiException.crossSite("Host " + abbreviate(header) + " is not an allowed host for session cookies "
            + "(DNS-rebinding defence): set the ServerAddress option or ALLOWED_HOSTS to the address users open, "
            + "or use an access token");
      }
      return null;
    });
  }

  private Future<Void> provenance(HttpServerRequest request) {
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && site.equalsIgnoreCase("cross-site")) {
      throw ApiException.crossSite("cross-site request refused (Sec-Fetch-Site: cross-site)");
    }
    if (site != null && (site.equalsIgnoreCase("same-origin") || site.equalsIgnoreCase("none"))) {
      return Future.succeededFuture();
    }
    String origin = request.getHeader("Origin");
    String source = origin != null ? origin : request.getHeader("Referer");
    if (source == null) {
      return Future.succeededFuture(); // no browser provenance at all
    }
    String what = origin != null ? "Origin " + abbreviate(origin) : "Referer";
    if (source.trim().equalsIgnoreCase("null")) {
      throw ApiException.crossSite("cross-site request refused (opaque Origin)");
    }
    Optional<HostPattern> from = authority(source);
    if (from.isEmpty()) {
      throw ApiException.crossSite("cross-site request refused (malformed " + what + ")");
    }
    if (HostPattern.parseAuthority(authority(request)).filter(from.get()::equals).isPresent()) {
      return Future.succeededFuture();
    }
    return named(from.get()).map(ok -> {
      if (!ok) {
        throw ApiException.crossSite("cross-site request refused (" + what + " is neither this host nor an "
            + "allowed host)");
      }
      return null;
    });
  }

  /** One of ALLOWED_HOSTS, or the host of ServerAddress (read only when ALLOWED_HOSTS does not match). */
  private Future<Boolean> named(HostPattern host) {
    if (allowed.stream().anyMatch(a -> a.matches(host))) {
      return Future.succeededFuture(true);
    }
    return serverAddress.get().map(address -> serverAddressHost(address).map(a -> a.matches(host)).orElse(false));
  }

  /** The {@code Host} header, or the HTTP/2 {@code :authority}; null when the request names no host. */
  private static String authority(HttpServerRequest request) {
    String host = request.getHeader("Host");
    HostAndPort authority = host == null ? request.authority() : null;
    if (authority == null) {
      return host;
    }
    String name = authority.host().contains(":") && !authority.host().startsWith("[") ? "[" + authority.host() + "]"
        : authority.host();
    return authority.port() > 0 ? name + ":" + authority.port() : name;
  }

  /** The host (and explicit port) of {@code ServerAddress}, e.g. https://gate.example.com; empty when unset. */
  static Optional<HostPattern> serverAddressHost(String address) {
    return address == null || address.isBlank() ? Optional.empty() : authority(address.trim());
  }

  private static Optional<HostPattern> authority(String url) {
    try {
      String authority = URI.create(url.trim()).getRawAuthority();
      if (authority == null) {
        return Optional.empty();
      }
      int at = authority.lastIndexOf('@');
      return HostPattern.parseAuthority(at < 0 ? authority : authority.substring(at + 1));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
