package io.onegate.gateway.api;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.HashMap;
import java.util.Map;

/**
 * A test client of one gateway node that sends exactly what One API's web UI (axios in a browser, same origin)
 * sends: the {@code session} cookie it keeps like a browser, axios' {@code Accept} header,
 * {@code Content-Type: application/json} with a body, and the same-origin {@code Origin} on writes; no
 * {@code X-Requested-With}. Or an access token instead of the cookie. Returns the status with the parsed envelope.
 */
final class ApiClient {
  static final String AXIOS_ACCEPT = "application/json, text/plain, */*";
  private final WebClient web;
  private final int port;
  String cookie;
  String accessToken;
  /** False: no Origin either (a script, not a browser). */
  boolean browser = true;
  /** The host name the request is addressed to (Host header, with the port) instead of 127.0.0.1. */
  String virtualHost;
  /** Replace or add headers (null values remove the default one). */
  final Map<String, String> extraHeaders = new HashMap<>();

  ApiClient(WebClient web, int port) {
    this.web = web;
    this.port = port;
  }

  /** A client of another node sharing this one's cookie (a browser whose balancer switched nodes). */
  ApiClient on(ApiClient other) {
    other.cookie = cookie;
    return other;
  }

  record Resp(int status, String raw, MultiMap headers) {
    JsonObject json() {
      try {
        return raw == null || raw.isEmpty() ? new JsonObject() : new JsonObject(raw);
      } catch (RuntimeException e) {
        throw new AssertionError("not a JSON object (status " + status + "): " + raw);
      }
    }

    boolean success() {
      return json().getBoolean("success", false);
    }

    String message() {
      return json().getString("message", "");
    }

    JsonObject obj() {
      return json().getJsonObject("data");
    }

    JsonArray array() {
      return json().getJsonArray("data");
    }
  }

  Resp get(String path) {
    return send(HttpMethod.GET, path, null);
  }

  Resp delete(String path) {
    return send(HttpMethod.DELETE, path, null);
  }

  Resp post(String path, Object body) {
    return send(HttpMethod.POST, path, body);
  }

  Resp put(String path, Object body) {
    return send(HttpMethod.PUT, path, body);
  }

  /** {@code body}: a JsonObject/JsonArray (encoded), a String or Buffer (sent as is) or null. */
  Resp send(HttpMethod method, String path, Object body) {
    HttpRequest<Buffer> req = web.request(method, port, "127.0.0.1", path);
    if (virtualHost != null) {
      req.virtualHost(virtualHost);
    }
    if (cookie != null) {
      req.putHeader("Cookie", "session=" + cookie);
    }
    if (accessToken != null) {
      req.putHeader("Authorization", "Bearer " + accessToken);
    }
    req.putHeader("Accept", AXIOS_ACCEPT);
    if (browser && method != HttpMethod.GET && method != HttpMethod.HEAD) {
      req.putHeader("Origin", "http://" + (virtualHost == null ? "127.0.0.1" : virtualHost) + ":" + port);
    }
    Buffer payload = body == null ? null : body instanceof Buffer b ? b : Buffer.buffer(body instanceof JsonObject o
        ? o.encode() : body instanceof JsonArray a ? a.encode() : body.toString());
    if (payload != null) {
      req.putHeader("Content-Type", "application/json");
    }
    extraHeaders.forEach((name, value) -> {
      if (value == null) {
        req.headers().remove(name);
      } else {
        req.putHeader(name, value);
      }
    });
    HttpResponse<Buffer> resp = ApiHarness.await(payload == null ? req.send() : req.sendBuffer(payload), 30);
    for (String setCookie : resp.cookies()) {
      if (setCookie.startsWith("session=")) {
        String value = setCookie.substring("session=".length()).split(";", 2)[0];
        cookie = value.isEmpty() || setCookie.contains("Max-Age=0") ? null : value;
      }
    }
    return new Resp(resp.statusCode(), resp.bodyAsString(), resp.headers());
  }
}
