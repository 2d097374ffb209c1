package io.onegate.common.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Writes a JSON object straight to text with Jackson's streaming generator, for hot-path records (usage events,
 * attempt outcomes) that would otherwise go through a {@code JsonObject} map and data binding.
 */
public final class JsonText {
  /** Thread-safe, shared (Jackson factories are). */
  public static final JsonFactory FACTORY = new JsonFactory();

  /** The fields of one object, written with the generator. */
  @FunctionalInterface
  public interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private JsonText() {
  }

  /** {@code {…}} with the given fields. */
  public static String object(Fields fields) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /**
   * The same object as UTF-8 bytes, generated directly (no intermediate {@code String}): what a record written to a
   * journal or a Kafka topic needs, at about half the cost of {@link #object} plus {@code getBytes}.
   */
  public static byte[] objectUtf8(Fields fields) {
    ByteArrayBuilder out = new ByteArrayBuilder(512);
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory builder does not fail
    }
    return out.toByteArray();
  }
}
