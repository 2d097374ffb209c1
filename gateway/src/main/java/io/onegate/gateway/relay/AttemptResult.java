package io.onegate.gateway.relay;

import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.Usage;

/**
 * How one upstream attempt ended.
 *
 * <ul>
 *   <li>{@code DELIVERED}: the whole answer reached the client.</li>
 *   <li>{@code TRUNCATED}: part of a stream reached the client, then the upstream failed or went idle; the client
 *   got an error event and no {@code [DONE]}.</li>
 *   <li>{@code CLIENT_ABORTED}: the client went away; the upstream request was reset.</li>
 *   <li>{@code FAILED}: nothing reached the client; {@link #failure} says why (may be retried).</li>
 * </ul>
 *
 * @param usage token counts of what was delivered (reported by the upstream or estimated), NONE when nothing was
 */
public record AttemptResult(Kind kind, int httpStatus, UpstreamFailure failure, Usage usage) {
  public enum Kind { DELIVERED, TRUNCATED, CLIENT_ABORTED, FAILED }

  public static AttemptResult failed(UpstreamFailure failure) {
    return new AttemptResult(Kind.FAILED, failure.httpStatus(), failure, Usage.NONE);
  }

  public boolean responded() {
    return kind == Kind.DELIVERED || kind == Kind.TRUNCATED;
  }
}
