package io.onegate.testkit.fake;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Provider wire bytes under {@code cassettes/<provider>/} on the class path, written from each provider's public
 * API documentation (sources in {@code cassettes/README.md}).
 */
public final class Cassettes {
  private Cassettes() {
  }

  /** The cassette; fails when it does not exist. */
  public static Buffer load(String provider, String name) {
    Buffer found = find(provider, name);
    if (found == null) {
      throw new IllegalStateException("missing cassette cassettes/" + provider + "/" + name);
    }
    return found;
  }

  /** The cassette, or null when it does not exist. */
  public static Buffer find(String provider, String name) {
    String path = "/cassettes/" + provider + "/" + name;
    try (InputStream in = Cassettes.class.getResourceAsStream(path)) {
      return in == null ? null : Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
