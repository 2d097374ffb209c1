package io.onegate.providers.spi;

import io.onegate.common.domain.Channel;
import java.time.Instant;

/**
 * Turns a channel key into a short-lived credential (Baidu's OAuth access token, Zhipu's JWT). Pure parts only:
 * {@link #exchangeRequest} builds the HTTP request (null when no I/O is needed, e.g. a locally signed JWT) and
 * {@link #parse} reads the answer; the transport performs the call, caches the result until {@code expiresAt}
 * and coalesces concurrent refreshes.
 */
public interface CredentialSource {
  record Credential(String value, Instant expiresAt) {
  }

  /** The HTTP exchange to perform, or null when {@link #local} computes the credential. */
  UpstreamRequest exchangeRequest(Channel channel);

  /** Reads the exchange's answer. */
  Credential parse(Channel channel, int status, io.vertx.core.buffer.Buffer body, Instant now);

  /** Computes the credential without I/O (e.g. signs a JWT); called only when exchangeRequest returns null. */
  default Credential local(Channel channel, Instant now) {
    throw new UnsupportedOperationException("no local credential for " + channel.type());
  }

  /**
   * True when {@code failure} means the cached credential is stale rather than the key being dead (Baidu's
   * {@code 110}/{@code 111} "access token invalid/expired", Zhipu's {@code 1003} "token expired"): the transport
   * drops the cached credential so the next attempt exchanges or signs a fresh one.
   */
  default boolean invalidates(UpstreamFailure failure) {
    return false;
  }
}
