package io.onegate.gateway.relay;

import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.Usage;

/**
 * How one upstream attempt ended.
 *
 * <ul>
 *   <li>{@code DELIVERED}: the whole answer was written to the client but its last bytes ({@link #finish}).</li>
 *   <li>{@code TRUNCATED}: part of a stream reached the client, then the upstream failed or went idle; {@link
 *   #finish} writes the error event and ends the stream (no {@code [DONE]}).</li>
 *   <li>{@code CLIENT_ABORTED}: the client went away; the upstream request was reset.</li>
 *   <li>{@code FAILED}: nothing reached the client; {@link #failure} says why (may be retried).</li>
 * </ul>
 *
 * @param usage  token counts of what was delivered (reported by the upstream or estimated), NONE when nothing was
 * @param finish the held-back end of the client's response, run by the settle step after the usage event
 */
public record AttemptResult(Kind kind, int httpStatus, UpstreamFailure failure, Usage usage, ClientFinish finish) {
  public enum Kind { DELIVERED, TRUNCATED, CLIENT_ABORTED, FAILED }

  public static AttemptResult failed(UpstreamFailure failure) {
    return new AttemptResult(Kind.FAILED, failure.httpStatus(), failure, Usage.NONE, ClientFinish.NONE);
  }

  static AttemptResult delivered(int status, Usage usage, ClientFinish finish) {
    return new AttemptResult(Kind.DELIVERED, status, null, usage, finish);
  }

  static AttemptResult truncated(UpstreamFailure failure, Usage usage, ClientFinish finish) {
    return new AttemptResult(Kind.TRUNCATED, failure.httpStatus(), failure, usage, finish);
  }

  /** The client left (status 499); {@code usage} is what it received before, NONE when nothing. */
  static AttemptResult aborted(Usage usage) {
    return new AttemptResult(Kind.CLIENT_ABORTED, 499, null, usage, ClientFinish.NONE);
  }

  public boolean responded() {
    return kind == Kind.DELIVERED || kind == Kind.TRUNCATED;
  }
}
