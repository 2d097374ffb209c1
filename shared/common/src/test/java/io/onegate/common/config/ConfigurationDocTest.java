package io.onegate.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md must list exactly what Settings declares. */
class ConfigurationDocTest {
  private static final Path DOC = Path.of("../../docs/configuration.md");

  @Test
  void configurationDocMatchesTheOneSource() throws IOException {
    String expected = ConfigurationDoc.render();
    if (Boolean.getBoolean("onegate.writeDocs")) {
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
        .as("docs/configuration.md is stale: regenerate with -Donegate.writeDocs=true")
        .isEqualTo(expected);
    for (Setting<?> setting : Settings.ALL) {
      assertThat(expected).contains("| `" + setting.name() + "` |");
    }
  }
}
