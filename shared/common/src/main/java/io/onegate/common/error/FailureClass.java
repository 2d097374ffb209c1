package io.onegate.common.error;

/**
 * Why an upstream attempt failed, classified from status codes and structured error fields (never from message
 * text). Drives retries (relay) and channel health ({@link #channelFault()}, health worker).
 */
public enum FailureClass {
  /** The attempt succeeded. */
  NONE(false),
  /** The key is invalid, revoked or expired (401, {@code invalid_api_key}, {@code authentication_error}). */
  INVALID_KEY(true),
  /** The upstream account is deactivated, banned or lacks permission ({@code account_deactivated}, 403). */
  ACCOUNT_DISABLED(true),
  /** The upstream account's credit or quota is exhausted ({@code insufficient_quota}, billing errors). */
  QUOTA_EXHAUSTED(true),
  /** Rate limited by the upstream (429 without a quota code). */
  RATE_LIMITED(true),
  /** Server-side or network failure (5xx, connection refused/reset, malformed upstream answer). */
  TRANSIENT(true),
  /** No answer in time (connect, first byte or stream idle timeout). */
  TIMEOUT(true),
  /** The model or deployment does not exist on this channel (404 model_not_found): another channel may have it. */
  MODEL_UNAVAILABLE(true),
  /** The client's request is wrong (400, 413, 422, content policy): the same request fails everywhere. */
  BAD_REQUEST(false),
  /** The client went away before the upstream answered. */
  CLIENT_ABORTED(false),
  /** Anything else. */
  UNKNOWN(true);

  private final boolean retryOnAnotherChannel;

  FailureClass(boolean retryOnAnotherChannel) {
    this.retryOnAnotherChannel = retryOnAnotherChannel;
  }

  /** True when another channel may succeed with the same request. */
  public boolean retryOnAnotherChannel() {
    return retryOnAnotherChannel;
  }

  /** True when the channel's key cannot work any more: disable the channel at once. */
  public boolean keyIsDead() {
    return channelFault() == ChannelFault.DEAD_KEY;
  }

  /**
   * What the failure says about the channel. A client-caused failure (bad request, a route or model the upstream
   * lacks, the client leaving) and an unclassified one never count against it.
   */
  public ChannelFault channelFault() {
    return switch (this) {
      case INVALID_KEY, ACCOUNT_DISABLED, QUOTA_EXHAUSTED -> ChannelFault.DEAD_KEY;
      case RATE_LIMITED -> ChannelFault.COOL_DOWN;
      case TRANSIENT, TIMEOUT -> ChannelFault.TRANSIENT;
      case NONE, MODEL_UNAVAILABLE, BAD_REQUEST, CLIENT_ABORTED, UNKNOWN -> ChannelFault.NONE;
    };
  }
}
