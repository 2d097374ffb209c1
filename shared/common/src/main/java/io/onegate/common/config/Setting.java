package io.onegate.common.config;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One configuration setting: its environment variable name, type, default, meaning and validation.
 * Declared once in {@link Settings}; read by {@link Config}; listed in docs/configuration.md.
 *
 * @param name         environment variable name (One API's where One API has one)
 * @param type         short type description shown in docs and error messages, e.g. "integer 1-65535"
 * @param defaultValue raw default, or null when the setting has none
 * @param doc          one sentence on what it means
 * @param parser       turns a raw string into a value; throws {@link IllegalArgumentException} with "what is allowed"
 * @param secret       true when the value must never be logged or shown
 */
public record Setting<T>(String name, String type, String defaultValue, String doc,
                         Function<String, T> parser, boolean secret) {

  public Setting {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(doc, "doc");
    Objects.requireNonNull(parser, "parser");
  }

  /** Parses {@code raw}, or the default when raw is null or blank; empty when neither exists. */
  public Optional<T> parse(String raw) {
    String value = raw == null || raw.isBlank() ? defaultValue : raw.trim();
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(parser.apply(value));
    } catch (IllegalArgumentException e) {
      String shown = secret ? "<hidden>" : value;
      throw new ConfigException(name + "=" + shown + " is invalid: expected " + type
          + (e.getMessage() == null || e.getMessage().isBlank() ? "" : " (" + e.getMessage() + ")"));
    }
  }
}
