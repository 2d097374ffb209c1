package io.onegate.providers.spi;

/**
 * Thrown by {@link CredentialSource#parse} or {@link CredentialSource#local} when no credential can be made (the
 * token endpoint refused the key, the key is malformed). Carries the classified failure so the relay can record
 * it and auto-disable a dead key like any other upstream failure. The message never contains the key.
 */
public final class CredentialException extends RuntimeException {
  private final transient UpstreamFailure failure;

  public CredentialException(UpstreamFailure failure) {
    super(String.valueOf(failure.clientError().getValue("message")), null, false, false);
    this.failure = failure;
  }

  public UpstreamFailure failure() {
    return failure;
  }
}
