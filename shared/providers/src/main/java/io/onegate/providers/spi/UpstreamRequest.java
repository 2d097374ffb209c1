package io.onegate.providers.spi;

import io.vertx.core.buffer.Buffer;
import java.util.Map;

/** A fully built upstream HTTP request: method, absolute URL, headers (credentials included) and body. */
public record UpstreamRequest(String method, String url, Map<String, String> headers, Buffer body) {
  public UpstreamRequest {
    headers = Map.copyOf(headers);
  }

  @Override
  public String toString() {
    return method + " " + url; // never print headers: they carry credentials
  }
}
