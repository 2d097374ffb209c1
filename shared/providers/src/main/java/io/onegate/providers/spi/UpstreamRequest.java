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
    // never print headers or the query: they carry credentials (Baidu's access_token and client_secret)
    int query = url.indexOf('?');
    return method + " " + (query < 0 ? url : url.substring(0, query) + "?…");
  }
}
