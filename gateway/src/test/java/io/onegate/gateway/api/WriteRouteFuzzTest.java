package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A bounded fuzz of {@code /api}. Every write route gets malformed JSON, non-object JSON, wrong types, huge strings
 * and numbers, negative numbers, unknown ids, NUL characters and unpaired surrogates (in values and names), deep
 * nesting, bytes that are not UTF-8 and gzip bodies (of bad JSON, corrupt, a bomb): each answer must be One API's
 * refusal (HTTP 200, success:false, a message; 413 for an oversized body), never a 5xx nor a stack trace. The valid
 * body of each route (with an unknown extra field) is sent first as a control and must succeed. Read routes get
 * hostile query parameters and must answer an envelope, never a 5xx.
 */
class WriteRouteFuzzTest {
  private static final String HUGE = "x".repeat(200_000);
  private static ApiHarness h;
  private static ApiClient root;
  private static ApiClient common;
  private static int commonId;
  private static int channelId;
  private static int tokenId;
  private static int redemptionId;

  /** A field of a route body: S string, I integer, B boolean, V option value (string, number or boolean). */
  record Field(String name, char kind, Object valid) {
  }

  /** {@code caller}: 'R' root, 'C' the common user, 'A' a fresh anonymous client. */
  record WriteRoute(HttpMethod method, String path, char caller, boolean control, List<Field> fields) {
    JsonObject validBody() {
      JsonObject o = new JsonObject().put("unknown_extra_field", new JsonArray().add(1));
      fields.forEach(f -> o.put(f.name(), f.valid()));
      return o;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    h = ApiHarness.start();
    root = h.root();
    commonId = h.createUser(root, "fzcommon", "fzcommon12", Roles.COMMON);
    common = h.login("fzcommon", "fzcommon12");
    channelId = root.post("/api/channel/", new JsonObject().put("type", 1).put("key", "k-1234567890abcdef")
        .put("models", "gpt-4")).obj().getJsonArray("ids").getInteger(0);
    tokenId = common.post("/api/token/", new JsonObject().put("name", "t")).obj().getInteger("id");
    root.post("/api/redemption/", new JsonObject().put("name", "r").put("quota", 1).put("count", 1));
    redemptionId = h.sql("SELECT id FROM redemptions").iterator().next().getInteger(0);
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  private static List<WriteRoute> routes() {
    return List.of(
        new WriteRoute(HttpMethod.POST, "/api/user/login", 'A', true, List.of(
            new Field("username", 'S', "fzcommon"), new Field("password", 'S', "fzcommon12"))),
        new WriteRoute(HttpMethod.POST, "/api/user/register", 'A', true, List.of(
            new Field("username", 'S', "fzreg"), new Field("password", 'S', "fzregpass"),
            new Field("display_name", 'S', "Reg"), new Field("aff_code", 'S', ""))),
        new WriteRoute(HttpMethod.PUT, "/api/user/self", 'C', true, List.of(
            new Field("display_name", 'S', "Fuzzer"), new Field("password", 'S', "fzcommon12"))),
        new WriteRoute(HttpMethod.POST, "/api/user/topup", 'C', false, List.of(new Field("key", 'S', "nokey"))),
        new WriteRoute(HttpMethod.POST, "/api/user/", 'R', true, List.of(
            new Field("username", 'S', "fzuser"), new Field("password", 'S', "fzuserpass"),
            new Field("display_name", 'S', "U"), new Field("role", 'I', 1))),
        new WriteRoute(HttpMethod.PUT, "/api/user/", 'R', true, List.of(
            new Field("id", 'I', commonId), new Field("quota", 'I', 10), new Field("group", 'S', "default"),
            new Field("display_name", 'S', "C"))),
        new WriteRoute(HttpMethod.POST, "/api/user/manage", 'R', true, List.of(
            new Field("username", 'S', "fzcommon"), new Field("action", 'S', "enable"))),
        new WriteRoute(HttpMethod.POST, "/api/topup", 'R', true, List.of(
            new Field("user_id", 'I', commonId), new Field("quota", 'I', 5), new Field("remark", 'S', "r"))),
        new WriteRoute(HttpMethod.POST, "/api/channel/", 'R', true, List.of(
            new Field("type", 'I', 1), new Field("key", 'S', "k-abcdefghijklmnop"), new Field("name", 'S', "c"),
            new Field("models", 'S', "gpt-4"), new Field("group", 'S', "default"), new Field("weight", 'I', 1),
            new Field("base_url", 'S', ""), new Field("model_mapping", 'S', ""), new Field("config", 'S', ""))),
        new WriteRoute(HttpMethod.PUT, "/api/channel/", 'R', true, List.of(
            new Field("id", 'I', channelId), new Field("name", 'S', "c2"), new Field("models", 'S', "gpt-4"),
            new Field("status", 'I', 1), new Field("weight", 'I', 2))),
        new WriteRoute(HttpMethod.POST, "/api/token/", 'C', true, List.of(
            new Field("name", 'S', "t2"), new Field("remain_quota", 'I', 10), new Field("expired_time", 'I', -1),
            new Field("unlimited_quota", 'B', false), new Field("models", 'S', ""),
            new Field("subnet", 'S', "10.0.0.0/8"))),
        new WriteRoute(HttpMethod.PUT, "/api/token/", 'C', true, List.of(
            new Field("id", 'I', tokenId), new Field("name", 'S', "t3"), new Field("remain_quota", 'I', 10),
            new Field("expired_time", 'I', -1), new Field("unlimited_quota", 'B', true),
            new Field("subnet", 'S', ""))),
        new WriteRoute(HttpMethod.POST, "/api/redemption/", 'R', true, List.of(
            new Field("name", 'S', "n"), new Field("quota", 'I', 5), new Field("count", 'I', 2))),
        new WriteRoute(HttpMethod.PUT, "/api/redemption/", 'R', true, List.of(
            new Field("id", 'I', redemptionId), new Field("name", 'S', "n2"), new Field("quota", 'I', 6))),
        new WriteRoute(HttpMethod.POST, "/api/channel/rekey", 'R', true, List.of(
            new Field("old_secret", 'S', "previous-secret-123"))),
        new WriteRoute(HttpMethod.PUT, "/api/option/", 'R', true, List.of(
            new Field("key", 'S', "QuotaRemindThreshold"), new Field("value", 'V', "2000"))));
  }

  /** A body sent with {@code Content-Encoding: gzip}. */
  record Gzipped(Buffer bytes) {
  }

  private static Gzipped gzip(String text) {
    return gzip(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Gzipped gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Gzipped(Buffer.buffer(out.toByteArray()));
  }

  /** {@code base} with field {@code name} set to the raw JSON text {@code json} (escapes, huge numbers). */
  private static String withRaw(JsonObject base, String name, String json) {
    return base.copy().put(name, "@@RAW@@").encode().replace("\"@@RAW@@\"", json);
  }

  /** Invalid variants of a valid body, by name. */
  private static Map<String, Object> mutations(WriteRoute route) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("malformed JSON", "{\"a\": ");
    out.put("JSON array", "[1, 2]");
    out.put("JSON string", "\"text\"");
    out.put("JSON null", "null");
    out.put("not JSON", "\u0000\u0001garbage");
    out.put("empty object", new JsonObject());
    JsonObject valid = route.validBody();
    String first = route.fields().get(0).name();
    out.put("nesting 5000 deep", "{\"" + first + "\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
    out.put("nesting 2000 deep in an extra field", withRaw(valid, "extra", "[".repeat(2000) + "]".repeat(2000)));
    out.put("NUL in a field name", withRaw(valid, "extra", "1").replace("\"extra\"", "\"ex\\u0000tra\""));
    out.put("not UTF-8", Buffer.buffer(valid.encode().getBytes(StandardCharsets.UTF_8))
        .appendBytes(new byte[] {(byte) 0xff, (byte) 0xfe}));
    out.put("not UTF-8 inside a string", Buffer.buffer(withRaw(valid, "extra", "\"a\u00ffb\"")
        .getBytes(StandardCharsets.ISO_8859_1)));
    out.put("gzip of malformed JSON", gzip("{\"a\": "));
    out.put("gzip with NUL", gzip(withRaw(valid, first, "\"a\\u0000b\"")));
    out.put("gzip bomb (8 MB)", gzip("{\"" + first + "\":\"" + " ".repeat(8 << 20) + "\"}"));
    for (Field f : route.fields()) {
      JsonObject base = route.validBody();
      out.put(f.name() + " = object", base.copy().put(f.name(), new JsonObject().put("a", 1)));
      out.put(f.name() + " = array", base.copy().put(f.name(), new JsonArray().add(1)));
      out.put(f.name() + " = 1e400", withRaw(base, f.name(), "1e400"));
      out.put(f.name() + " = 400 digits", withRaw(base, f.name(), "9".repeat(400)));
      switch (f.kind()) {
        case 'S' -> {
          out.put(f.name() + " = number", base.copy().put(f.name(), 123));
          out.put(f.name() + " = huge", base.copy().put(f.name(), HUGE));
          out.put(f.name() + " = NUL", base.copy().put(f.name(), f.valid() + "\u0000"));
          out.put(f.name() + " = unpaired surrogate", withRaw(base, f.name(), "\"x\\ud800\""));
          out.put(f.name() + " = reversed surrogates", withRaw(base, f.name(), "\"\\udc00\\ud800\""));
        }
        case 'I' -> {
          out.put(f.name() + " = string", base.copy().put(f.name(), "12"));
          out.put(f.name() + " = fraction", base.copy().put(f.name(), 1.5));
          out.put(f.name() + " = negative", base.copy().put(f.name(), -5));
          out.put(f.name() + " = 1e30", base.copy().put(f.name(), new java.math.BigInteger("1" + "0".repeat(30))));
          out.put(f.name() + " = -2^63-1", withRaw(base, f.name(), "-9223372036854775809"));
          if (f.name().equals("id") || f.name().equals("user_id")) {
            out.put(f.name() + " = unknown", base.copy().put(f.name(), 99_999_999));
          }
        }
        case 'B' -> out.put(f.name() + " = string", base.copy().put(f.name(), "yes"));
        default -> {
          out.put(f.name() + " = huge", base.copy().put(f.name(), HUGE));
          out.put(f.name() + " = negative", base.copy().put(f.name(), "-5"));
          out.put(f.name() + " = NUL", base.copy().put(f.name(), "\u0000"));
        }
      }
    }
    return out;
  }

  private static ApiClient.Resp send(ApiClient client, WriteRoute route, Object body) {
    if (body instanceof Gzipped gz) {
      client.extraHeaders.put("Content-Encoding", "gzip");
      try {
        return client.send(route.method(), route.path(), gz.bytes());
      } finally {
        client.extraHeaders.remove("Content-Encoding");
      }
    }
    return client.send(route.method(), route.path(), body);
  }

  @Test
  void everyWriteRouteAnswersBadInputWithARefusalEnvelope() {
    List<String> problems = new ArrayList<>();
    int sent = 0;
    for (WriteRoute route : routes()) {
      ApiClient client = route.caller() == 'C' ? common : route.caller() == 'R' ? root : h.client();
      if (route.control()) {
        ApiClient.Resp ok = client.send(route.method(), route.path(), route.validBody());
        if (!ok.success()) {
          problems.add("control " + route.method() + " " + route.path() + " -> " + ok.raw());
        }
      }
      for (var m : mutations(route).entrySet()) {
        String what = route.method() + " " + route.path() + " [" + m.getKey() + "]";
        sent++;
        try {
          check(what, send(client, route, m.getValue()), problems);
        } catch (IllegalStateException e) { // no answer at all (connection closed, timeout)
          problems.add(what + " -> no answer: " + e.getMessage());
        }
      }
    }
    for (String path : List.of("/api/user/99999999", "/api/user/abc", "/api/user/-1", "/api/channel/99999999",
        "/api/channel/abc", "/api/token/99999999", "/api/token/0", "/api/redemption/99999999", "/api/log/",
        "/api/log/?target_timestamp=abc")) {
      check("DELETE " + path, root.delete(path), problems);
      sent++;
    }
    check("2.5 MB body", root.post("/api/token/", new JsonObject().put("name", "x".repeat(2_600_000))), problems);
    sent += fuzzQueries(problems);
    sent += corruptGzip(problems);
    assertThat(problems).as(sent + " requests").isEmpty();
    assertThat(sent).isGreaterThan(800);
    assertThat(h.sql("SELECT count(*) FROM users WHERE status = 1 AND username = 'fzcommon'").iterator().next()
        .getLong(0)).as("the login account was not locked or renamed by the fuzzing").isEqualTo(1L);
  }

  /**
   * A corrupt gzip body: the server's decompressor fails while reading it, so no route can answer it. It must
   * never get a 5xx nor leave the connection hanging: 400, or the connection closed at once. (A 400 with an envelope
   * for every client is the relay front door's work, issue 14 finding 1.)
   */
  private static int corruptGzip(List<String> problems) {
    byte[] corrupt = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    int sent = 0;
    for (String path : List.of("/api/user/login", "/api/token/", "/api/channel/", "/api/option/")) {
      sent++;
      try {
        io.vertx.ext.web.client.HttpResponse<Buffer> r = ApiHarness.await(h.web.post(h.apps.get(0).port(),
                "127.0.0.1", path).putHeader("Content-Type", "application/json").putHeader("Content-Encoding", "gzip")
            .timeout(5_000).sendBuffer(Buffer.buffer(corrupt)), 10);
        if (r.statusCode() != 400) {
          problems.add("POST " + path + " [gzip corrupt] -> HTTP " + r.statusCode());
        }
      } catch (IllegalStateException e) {
        if (!(e.getCause() != null && e.getCause().getCause() instanceof io.vertx.core.http.HttpClosedException)) {
          problems.add("POST " + path + " [gzip corrupt] -> neither answered nor closed: " + e.getMessage());
        }
      }
    }
    return sent;
  }

  /** Read routes with hostile query parameters: an envelope (success or refusal), never a 5xx. */
  private static int fuzzQueries(List<String> problems) {
    List<String> paths = List.of("/api/user/", "/api/user/search", "/api/channel/", "/api/channel/search",
        "/api/token/", "/api/token/search", "/api/log/", "/api/log/search", "/api/log/stat", "/api/log/self",
        "/api/log/self/search", "/api/log/self/stat", "/api/redemption/", "/api/redemption/search",
        "/api/channel/test/" + channelId, "/api/user/dashboard");
    List<String> queries = List.of("p=99999999999999999999", "p=-1", "p=1e400", "keyword=%00", "keyword=a%00b",
        "keyword=%ff%fe", "keyword=%ED%A0%80", "keyword=" + "k".repeat(3000), "keyword=%25_%5C",
        "order=id;DROP%20TABLE%20users", "type=abc", "type=99999999999", "start_timestamp=1e400",
        "end_timestamp=-99999999999999999999", "username=%00", "token_name=%00", "model_name=%00", "channel=abc",
        "model=%00", "p=0&p=1&p=x", "%zz=1", "keyword=%zz");
    int sent = 0;
    for (String path : paths) {
      ApiClient client = path.contains("/self") || path.contains("/dashboard") ? common : root;
      for (String query : queries) {
        ApiClient.Resp r = client.get(path + "?" + query);
        sent++;
        String what = "GET " + path + "?" + abbreviate(query);
        String raw = r.raw() == null ? "" : r.raw();
        if (r.status() >= 500 || r.status() != 200 && r.status() != 400) {
          problems.add(what + " -> HTTP " + r.status() + " " + abbreviate(raw));
        } else if (raw.contains("Exception") || raw.contains("\tat ")) {
          problems.add(what + " -> leaks internals: " + abbreviate(raw));
        } else if (r.status() == 200 && !r.json().containsKey("success")) {
          problems.add(what + " -> not an envelope: " + abbreviate(raw));
        }
      }
    }
    return sent;
  }

  private static void check(String what, ApiClient.Resp r, List<String> problems) {
    String raw = r.raw() == null ? "" : r.raw();
    if (r.status() != 200 && r.status() != 413) {
      problems.add(what + " -> HTTP " + r.status() + " (a refusal is 200 with success:false, as One API; 413 for "
          + "an oversized body) " + abbreviate(raw));
      return;
    }
    if (raw.contains("Exception") || raw.contains("\tat ") || raw.contains("java.")) {
      problems.add(what + " -> leaks internals: " + abbreviate(raw));
      return;
    }
    try {
      JsonObject body = new JsonObject(raw);
      if (!Boolean.FALSE.equals(body.getBoolean("success")) || body.getString("message", "").isBlank()) {
        problems.add(what + " -> not a failure envelope with a message: " + abbreviate(raw));
      }
    } catch (RuntimeException e) {
      problems.add(what + " -> not JSON: " + abbreviate(raw));
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
