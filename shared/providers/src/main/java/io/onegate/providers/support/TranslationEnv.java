package io.onegate.providers.support;

import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * What translators need from outside: the clock (for OpenAI's {@code created}) and an id source (for
 * {@code chatcmpl-…} ids and tool-call ids when the upstream gives none). Injected so tests are deterministic.
 *
 * @param ids thread-safe supplier of unique id suffixes
 */
public record TranslationEnv(Clock clock, Supplier<String> ids) {

  /** The system clock and random 24-hex-digit ids. */
  public static TranslationEnv system() {
    return new TranslationEnv(Clock.systemUTC(), () -> {
      byte[] bytes = new byte[12];
      ThreadLocalRandom.current().nextBytes(bytes);
      return HexFormat.of().formatHex(bytes);
    });
  }

  public long epochSeconds() {
    return clock.millis() / 1000;
  }

  public String completionId() {
    return "chatcmpl-" + ids.get();
  }

  public String toolCallId() {
    return "call_" + ids.get();
  }
}
