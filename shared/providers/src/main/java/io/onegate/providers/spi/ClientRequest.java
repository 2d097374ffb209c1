package io.onegate.providers.spi;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The client's request body as received: raw bytes, its content type, and (for JSON bodies) the parsed object.
 * Adaptors must not mutate {@link #json()}; they copy it when they change fields.
 *
 * @param json the parsed JSON body, or null for multipart and other non-JSON bodies
 */
public record ClientRequest(Buffer raw, String contentType, JsonObject json) {
  public boolean isJson() {
    return json != null;
  }
}
