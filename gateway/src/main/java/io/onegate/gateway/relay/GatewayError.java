package io.onegate.gateway.relay;

import io.onegate.common.error.FailureClass;
import io.onegate.common.error.OpenAiError;
import io.onegate.providers.spi.UpstreamFailure;

/**
 * The relay's own errors, one table: whether a retry of the same request can succeed, HTTP status, OpenAI error
 * {@code type}, {@code code} and message template ({@link String#format} with the detail arguments). Rendered as
 * {@link OpenAiError}s: written to the client by {@link ErrorResponses} (a {@code FINAL} one with
 * {@code x-should-retry: false}, so OpenAI SDKs make no second attempt), or carried by an {@link UpstreamFailure}
 * of the gateway's own making ({@link #failure}). Quota refusals use One API's statuses: a used-up key 401, not
 * enough quota 403.
 */
public enum GatewayError {
  INVALID_JSON(Kind.FINAL, 400, "invalid_request_error", "invalid_json", "The request body is not valid JSON: %s"),
  INVALID_REQUEST(Kind.FINAL, 400, "invalid_request_error", "invalid_request", "%s"),
  MODEL_NOT_PRICED(Kind.FINAL, 400, "invalid_request_error", "model_not_priced",
      "Model %s has no price, so it cannot be billed and is not served: set a price in the channel editor "
          + "(ModelRatio or ModelPrice), or enable SelfUseModeEnabled to serve unpriced models free"),
  AUDIO_NOT_PRICED(Kind.FINAL, 400, "invalid_request_error", "model_not_priced",
      "Model %s has no per-second audio price, so it cannot be billed and is not served: set ModelPrice "
          + "{\"%1$s\": {\"per_second\": …}}, or enable SelfUseModeEnabled to serve unpriced models free"),
  GROUP_NOT_PRICED(Kind.FINAL, 403, "one_api_error", "group_not_priced",
      "Group %s has no ratio (add it to the GroupRatio option): its users cannot be billed, so they are not served"),
  MISSING_API_KEY(Kind.FINAL, 401, "invalid_request_error", "missing_api_key",
      "No API key provided: send the header 'Authorization: Bearer sk-...'"),
  INVALID_API_KEY(Kind.FINAL, 401, "invalid_request_error", "invalid_api_key", "Invalid API key"),
  TOKEN_DISABLED(Kind.FINAL, 401, "invalid_request_error", "token_disabled", "This API key is disabled"),
  TOKEN_EXPIRED(Kind.FINAL, 401, "invalid_request_error", "token_expired", "This API key has expired"),
  TOKEN_QUOTA_EXHAUSTED(Kind.FINAL, 401, "insufficient_quota", "token_quota_exhausted",
      "This API key's quota is used up (key %s)"),
  INSUFFICIENT_QUOTA(Kind.FINAL, 403, "insufficient_quota", "insufficient_user_quota",
      "Not enough quota for this request: it needs up to %d and the account or key has less"),
  IP_NOT_ALLOWED(Kind.FINAL, 403, "permission_error", "ip_not_allowed",
      "This API key can only be used from: %s"),
  USER_DISABLED(Kind.FINAL, 403, "permission_error", "user_disabled",
      "The account that owns this API key is disabled"),
  MODEL_NOT_ALLOWED(Kind.FINAL, 403, "permission_error", "model_not_allowed",
      "This API key may not use the model %s"),
  CHANNEL_PIN_FORBIDDEN(Kind.FINAL, 403, "permission_error", "channel_pin_forbidden",
      "Only keys of administrators may choose a channel (sk-key-channelId)"),
  PINNED_CHANNEL_UNAVAILABLE(Kind.FINAL, 403, "permission_error", "channel_unavailable",
      "Channel %s does not exist or is disabled"),
  MODEL_NOT_FOUND(Kind.FINAL, 404, "invalid_request_error", "model_not_found",
      "The model '%s' does not exist"),
  ROUTE_NOT_FOUND(Kind.FINAL, 404, "invalid_request_error", "", "Invalid URL (%s %s)"),
  BODY_TOO_LARGE(Kind.FINAL, 413, "invalid_request_error", "request_too_large",
      "The request body is larger than %d MB"),
  NOT_IMPLEMENTED(Kind.FINAL, 501, "one_api_error", "api_not_implemented", "API not implemented"),
  NO_CHANNEL(Kind.FINAL, 503, "server_error", "no_available_channel",
      "No available channel for model %s in group %s"),
  UPSTREAM_UNREACHABLE(Kind.RETRYABLE, 502, "upstream_error", "upstream_unreachable",
      "The upstream could not be reached: %s"),
  CHANNEL_CREDENTIAL_REFUSED(Kind.RETRYABLE, 503, "upstream_error", "channel_credential_refused",
      "The upstream provider refused this gateway's channel credential (%s); your API key is fine, the channel is "
          + "being taken out of service"),
  API_RATE_LIMITED(Kind.RETRYABLE, 429, "rate_limit_error", "rate_limit_exceeded",
      "Too many requests: at most %d per 3 minutes per client IP (GLOBAL_API_RATE_LIMIT)"),
  BILLING_UNAVAILABLE(Kind.RETRYABLE, 503, "server_error", "billing_unavailable",
      "The billing figures cannot be read right now; try again shortly"),
  UPSTREAM_TIMEOUT(Kind.RETRYABLE, 504, "upstream_error", "upstream_timeout",
      "The upstream did not answer in time (%s)"),
  INTERNAL(Kind.RETRYABLE, 500, "server_error", "internal_error", "Internal error");

  /** Whether a retry of the same request can succeed. */
  enum Kind { FINAL, RETRYABLE }

  private final boolean retryable;
  private final int status;
  private final String type;
  private final String code;
  private final String template;

  GatewayError(Kind kind, int status, String type, String code, String template) {
    this.retryable = kind == Kind.RETRYABLE;
    this.status = status;
    this.type = type;
    this.code = code;
    this.template = template;
  }

  public int status() {
    return status;
  }

  /** False for refusals no retry can fix (the key, the account, the body, the model): answered as final. */
  public boolean retryable() {
    return retryable;
  }

  public String type() {
    return type;
  }

  public String code() {
    return code;
  }

  public String message(Object... args) {
    return args.length == 0 ? template : String.format(template, args);
  }

  /** This error as OpenAI's error object. */
  public OpenAiError error(Object... args) {
    return new OpenAiError(message(args), type, null, code);
  }

  /** A failure of an attempt found by the gateway itself (unreachable upstream, timeout, no adaptor …). */
  public UpstreamFailure failure(FailureClass failureClass, Object... args) {
    return new UpstreamFailure(failureClass, status, code, error(args).json());
  }
}
