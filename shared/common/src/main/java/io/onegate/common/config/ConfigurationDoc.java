package io.onegate.common.config;

/** Renders docs/configuration.md from {@link Settings#ALL}; a test keeps the file equal to this output. */
public final class ConfigurationDoc {
  private ConfigurationDoc() {
  }

  public static String render() {
    StringBuilder out = new StringBuilder();
    out.append("# Configuration\n\n")
        .append("Every setting OneGate reads, from environment variables. This file is generated from ")
        .append("`shared/common/src/main/java/io/onegate/common/config/Settings.java` (the one source); ")
        .append("`ConfigurationDocTest` fails when they differ — regenerate with\n")
        .append("`mvn -pl shared/common test -Dtest=ConfigurationDocTest -Donegate.writeDocs=true`.\n\n")
        .append("An invalid value stops start-up with one line naming the variable, the value and what is allowed, ")
        .append("e.g. `onegate gateway: PORT=abc is invalid: expected integer 1-65535 (not a whole number)`.\n\n")
        .append("| Variable | Type | Default | Meaning |\n|---|---|---|---|\n");
    for (Setting<?> s : Settings.ALL) {
      out.append("| `").append(s.name()).append("` | ").append(s.type().replace("|", "\\|")).append(" | ")
          .append(s.defaultValue() == null ? "–" : "`" + s.defaultValue() + "`").append(" | ")
          .append(s.doc().replace("|", "\\|")).append(s.secret() ? " *Secret: never logged.*" : "")
          .append(" |\n");
    }
    out.append("\n## Run-time options\n\n")
        .append("One API's run-time options (`RetryTimes`, `ModelRatio`, `AutomaticDisableChannelEnabled`, …) live in ")
        .append("the `options` table and are edited through `PUT /api/option/` (root); they take effect on every node ")
        .append("within a second. See `io.onegate.common.options.OptionDefaults` for keys and defaults.\n")
        .append("\n## Rotating CRYPTO_SECRET\n\n")
        .append("Channel keys are stored as `enc:v1:…` (AES-256-GCM, key = SHA-256 of `CRYPTO_SECRET`). To rotate: ")
        .append("stop writers, re-save every channel key through the console or API with the new secret set on all ")
        .append("processes (or run `UPDATE channels SET key = <plaintext>` — plaintext keys are read as is and ")
        .append("encrypted on their next write), then restart. A process whose secret differs from the one that ")
        .append("encrypted a key refuses to use that channel and says so in its log.\n");
    return out.toString();
  }
}
