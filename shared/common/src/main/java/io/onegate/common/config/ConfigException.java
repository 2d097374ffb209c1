package io.onegate.common.config;

/** An invalid setting. The message is one line naming the variable, the value and what is allowed. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
