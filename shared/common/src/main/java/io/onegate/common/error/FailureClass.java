package io.onegate.common.error;

/**
 * Why an upstream attempt failed, classified from status codes and structured error fields (never from message
 * text). Drives retries (relay) and automatic disabling (health worker).
 */
public enum FailureClass {
  /** The attempt succeeded. */
  NONE(false, false),
  /** The key is invalid, revoked or expired (401, {@code invalid_api_key}, {@code authentication_error}). */
  INVALID_KEY(true, true),
  /** The upstream account is deactivated, banned or lacks permission ({@code account_deactivated}, 403). */
  ACCOUNT_DISABLED(true, true),
  /** The upstream account's credit or quota is exhausted ({@code insufficient_quota}, billing errors). */
  QUOTA_EXHAUSTED(true, true),
  /** Rate limited by the upstream (429 without a quota code). */
  RATE_LIMITED(true, false),
  /** Server-side or network failure (5xx, connection refused/reset, malformed upstream answer). */
  TRANSIENT(true, false),
  /** No answer in time (connect, first byte or stream idle timeout). */
  TIMEOUT(true, false),
  /** The model or deployment does not exist on this channel (404 model_not_found): another channel may have it. */
  MODEL_UNAVAILABLE(true, false),
  /** The client's request is wrong (400, 413, 422, content policy): the same request fails everywhere. */
  BAD_REQUEST(false, false),
  /** The client went away before the upstream answered. */
  CLIENT_ABORTED(false, false),
  /** Anything else. */
  UNKNOWN(true, false);

  private final boolean retryOnAnotherChannel;
  private final boolean keyIsDead;

  FailureClass(boolean retryOnAnotherChannel, boolean keyIsDead) {
    this.retryOnAnotherChannel = retryOnAnotherChannel;
    this.keyIsDead = keyIsDead;
  }

  /** True when another channel may succeed with the same request. */
  public boolean retryOnAnotherChannel() {
    return retryOnAnotherChannel;
  }

  /** True when the channel's key cannot work any more: disable the channel at once. */
  public boolean keyIsDead() {
    return keyIsDead;
  }

  /** True when the failure counts against the channel's error rate. */
  public boolean countsAgainstChannel() {
    return this != NONE && this != BAD_REQUEST && this != CLIENT_ABORTED;
  }
}
