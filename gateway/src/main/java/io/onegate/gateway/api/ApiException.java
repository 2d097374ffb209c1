package io.onegate.gateway.api;

/**
 * An expected refusal of a management request: the HTTP status it is answered with plus the envelope message.
 * As One API: a refusal of a request (invalid input, conflict, unknown id, insufficient role, disabled user,
 * unavailable collaborator) is HTTP 200 with {@code success:false}, so One API's web UI shows the message; only a
 * missing or invalid credential is 401, a rate limit 429 (with {@code Retry-After}) and a cross-site or foreign-host
 * request 403. Carries no stack trace (control flow, not a fault).
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final long retryAfterSeconds;

  private ApiException(int status, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The HTTP status of the answer. */
  public int status() {
    return status;
  }

  /** Seconds for {@code Retry-After} (429 only; 0 = none). */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** A refusal of the request itself: HTTP 200, {@code success:false}, {@code message}. */
  public static ApiException refused(String message) {
    return new ApiException(200, message, 0);
  }

  /** Invalid input (the message names the field). */
  public static ApiException badRequest(String message) {
    return refused(message);
  }

  /** Insufficient role, disabled user, or an action the rules forbid. */
  public static ApiException forbidden(String message) {
    return refused(message);
  }

  public static ApiException notFound(String message) {
    return refused(message);
  }

  public static ApiException conflict(String message) {
    return refused(message);
  }

  /** Not logged in: no, an invalid, an expired or a signed-out credential (HTTP 401). */
  public static ApiException unauthorized(String message) {
    return new ApiException(401, message, 0);
  }

  /** A browser request from another site or to a host not allowed (HTTP 403; see {@link SameOriginPolicy}). */
  public static ApiException crossSite(String message) {
    return new ApiException(403, message, 0);
  }

  /** A rate limit: HTTP 429 with {@code Retry-After: retryAfterSeconds} (at least 1). */
  public static ApiException tooManyRequests(String message, long retryAfterSeconds) {
    return new ApiException(429, message, Math.max(1, retryAfterSeconds));
  }
}
