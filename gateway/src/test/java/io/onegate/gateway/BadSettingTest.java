package io.onegate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad setting stops the real process main before anything starts, with one line naming the problem. */
class BadSettingTest {

  @ParameterizedTest
  @CsvSource({
      "PORT, abc, 'onegate gateway: PORT=abc is invalid: expected integer 1-65535 (not a whole number)'",
      "BATCH_UPDATE_INTERVAL, -1, 'onegate gateway: BATCH_UPDATE_INTERVAL=-1 is invalid: expected integer seconds 1-3600 (out of range)'"
  })
  void processExitsWithOneLine(String name, String value, String expected) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        GatewayMain.class.getName()));
    builder.environment().put(name, value);
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(stderr.strip()).isEqualTo(expected);
  }
}
