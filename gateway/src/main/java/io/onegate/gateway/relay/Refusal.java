package io.onegate.gateway.relay;

/**
 * A request refused before any upstream call (bad key, bad body, model not allowed, no price …): the error of the
 * {@link GatewayError} table and its message arguments. Thrown by the pure checks ({@link TokenAuthenticator},
 * {@link RequestParser}, {@link Charges}) and turned into {@link RelayResult#refused} by the filter that called
 * them. Cheap (no stack trace).
 */
public final class Refusal extends RuntimeException {
  private final GatewayError error;
  private final transient Object[] args;
  private transient Caller who;

  public Refusal(GatewayError error, Object... args) {
    super(error.name(), null, false, false);
    this.error = error;
    this.args = args;
  }

  /** This refusal of a known key and account (its error row names them). */
  Refusal by(Caller caller) {
    this.who = caller;
    return this;
  }

  /** The refused caller when the key was known, else null. */
  Caller who() {
    return who;
  }

  public GatewayError error() {
    return error;
  }

  public Object[] args() {
    return args;
  }

  /** The refusal as the chain's result. */
  RelayResult result() {
    return RelayResult.refused(error, args);
  }
}
