package io.onegate.gateway.relay;

/** A refused request before any upstream call: the error and its message arguments. Cheap (no stack trace). */
public final class AuthFailure extends RuntimeException {
  private final GatewayError error;
  private final transient Object[] args;

  public AuthFailure(GatewayError error, Object... args) {
    super(error.name(), null, false, false);
    this.error = error;
    this.args = args;
  }

  public GatewayError error() {
    return error;
  }

  public Object[] args() {
    return args;
  }
}
