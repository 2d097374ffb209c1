package io.onegate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.audio.transcriptions.Transcription;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import io.onegate.billing.BillingWorkerApplication;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.embedded.FreePorts;
import io.onegate.gateway.GatewayApplication;
import io.onegate.testkit.Eventually;
import io.onegate.testkit.FakeOpenAiUpstream;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FastGPT against OneGate, end to end (issue 17): a gateway node with default settings (node A) and one with
 * {@code RELAY_TIMEOUT=5} and {@code STREAM_IDLE_TIMEOUT=2} (node B) on one database, a billing worker, and a fake
 * OpenAI upstream (the only faked part). FastGPT's request bodies (test resources, byte for byte) reach the upstream
 * unchanged and every answer parses with the official OpenAI Java SDK; long calls survive default settings while
 * RELAY_TIMEOUT cuts them; an idle stream is cut and billed for what it delivered; the SDK with FastGPT's retries
 * makes one attempt per final refusal and retries a rate limit; failures become error log rows (type 6), never
 * consume rows, and a legacy {@code function_call} stream bills its completion tokens.
 */
class FastGptEndToEndTest {
  private static final String ACCESS = "fastgpt-e2e-root-access-token-01";
  private static final String CHAT = "/v1/chat/completions";
  private static final long SLOW_MILLIS = 130_000;
  private static final JsonMapper SDK_JSON = ObjectMappers.jsonMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Concurrent clients get a thread each (the common pool has one thread on a 2-core machine). */
  private static final ExecutorService CALLERS = Executors.newFixedThreadPool(8);

  private static ProcessRuntime first;
  private static ProcessRuntime second;
  private static final List<ProcessMain.Application> apps = new ArrayList<>();
  private static Vertx fakeVertx;
  private static FakeOpenAiUpstream upstream;
  private static int portA;
  private static int portB;
  private static int channelId;

  /** Keys (stored without sk-), one per case. */
  private static final String KEY = key('a');
  private static final String EXHAUSTED = key('b');
  private static final String EXPIRED = key('c');
  private static final String DISABLED = key('d');
  private static final String POOR = key('e');
  private static final String ONLY_MINI = key('f');
  private static final String SUBNET = key('g');
  private static final String USED_UP = key('h');

  @BeforeAll
  static void start() throws Exception {
    Config config = TestInfra.get().freshConfig(Map.of(Settings.INITIAL_ROOT_ACCESS_TOKEN.name(), ACCESS,
        Settings.BATCH_UPDATE_ENABLED.name(), "false", Settings.GLOBAL_API_RATE_LIMIT.name(), "0"));
    portA = config.get(Settings.PORT);
    portB = FreePorts.find();
    first = await(ProcessRuntime.start(config));
    fakeVertx = Vertx.vertx();
    upstream = await(new FakeOpenAiUpstream(fakeVertx).start());
    upstream.onPath(CHAT, FastGptEndToEndTest::chatReply);
    seed();
    second = await(ProcessRuntime.start(config.with(Settings.PORT, portB).with(Settings.RELAY_TIMEOUT, 5)
        .with(Settings.STREAM_IDLE_TIMEOUT, 2)));
    apps.add(await(GatewayApplication.start(first)));
    apps.add(await(GatewayApplication.start(second)));
    apps.add(await(BillingWorkerApplication.start(first)));
  }

  @AfterAll
  static void stop() {
    apps.forEach(app -> ProcessRuntime.awaitQuietly(app.stop(), Duration.ofSeconds(5)));
    if (second != null) {
      second.closeBlocking(Duration.ofSeconds(15));
    }
    if (first != null) {
      first.closeBlocking(Duration.ofSeconds(15));
    }
    if (fakeVertx != null) {
      fakeVertx.close();
    }
    CALLERS.shutdownNow();
  }

  @BeforeEach
  void clear() {
    upstream.requests().clear();
  }

  private static void seed() {
    option("RetryTimes", "0");
    option("ModelRatio", "{\"bge-reranker-v2-m3\":0.05,\"slow-model\":1,\"stall-model\":1}");
    int user = sql("INSERT INTO users (username, password, role, status, quota, \"group\") VALUES ('fastgpt', 'x', "
        + "1, 1, 1000000000, 'default') RETURNING id").iterator().next().getInteger(0);
    int poor = sql("INSERT INTO users (username, password, role, status, quota, \"group\") VALUES ('poor', 'x', "
        + "1, 1, 10, 'default') RETURNING id").iterator().next().getInteger(0);
    token(user, KEY, 1, -1, 0, true, "", "");
    token(user, EXHAUSTED, 4, -1, 0, false, "", "");
    token(user, EXPIRED, 1, 1_000, 0, true, "", "");
    token(user, DISABLED, 2, -1, 0, true, "", "");
    token(poor, POOR, 1, -1, 0, true, "", "");
    token(user, ONLY_MINI, 1, -1, 0, true, "gpt-4o-mini", "");
    token(user, SUBNET, 1, -1, 0, true, "", "10.99.0.0/16");
    token(user, USED_UP, 1, -1, 0, false, "", "");
    channelId = sql("INSERT INTO channels (type, key, status, name, weight, base_url, models, \"group\", priority) "
        + "VALUES (1, 'sk-upstream', 1, 'fastgpt-upstream', 1, $1, $2, 'default', 0) RETURNING id",
        Tuple.of(upstream.baseUrl(), "gpt-4o-mini,deepseek-reasoner,text-embedding-3-small,bge-reranker-v2-m3,"
            + "whisper-1,tts-1,slow-model,stall-model,unpriced-model")).iterator().next().getInteger(0);
    for (String model : List.of("gpt-4o-mini", "deepseek-reasoner", "text-embedding-3-small", "bge-reranker-v2-m3",
        "whisper-1", "tts-1", "slow-model", "stall-model", "unpriced-model")) {
      sql("INSERT INTO abilities (\"group\", model, channel_id, enabled, priority) VALUES ('default', $1, $2, true, "
          + "0)", Tuple.of(model, channelId));
    }
  }

  // ---- FastGPT's bodies --------------------------------------------------------------------------------------

  @Test
  void fastGptBodiesReachTheUpstreamByteForByteAndEveryAnswerParses() throws Exception {
    Map<String, String> chats = new LinkedHashMap<>();
    chats.put("chat-tools.json", CHAT);
    chats.put("chat-functions.json", CHAT);
    chats.put("chat-json-schema.json", CHAT);
    for (var e : chats.entrySet()) {
      byte[] body = resource(e.getKey());
      HttpResponse<String> answer = post(portA, e.getValue(), KEY, "application/json", body);
      assertThat(answer.statusCode()).as(e.getKey() + ": " + answer.body()).isEqualTo(200);
      assertThat(lastUpstreamBody()).as(e.getKey() + " reaches the upstream byte for byte").isEqualTo(body);
      ChatCompletion completion = SDK_JSON.readValue(answer.body(), ChatCompletion.class);
      completion.validate();
      assertThat(completion.choices()).hasSize(1);
    }
    ChatCompletion tools = parse(post(portA, CHAT, KEY, "application/json", resource("chat-tools.json")),
        ChatCompletion.class);
    assertThat(tools.choices().get(0).message().toolCalls().orElseThrow()).isNotEmpty();
    ChatCompletion functions = parse(post(portA, CHAT, KEY, "application/json", resource("chat-functions.json")),
        ChatCompletion.class);
    assertThat(functions.choices().get(0).message().functionCall().orElseThrow().name()).isEqualTo("get_weather");

    byte[] reasoning = resource("chat-reasoning.json");
    HttpResponse<String> stream = post(portA, CHAT, KEY, "application/json", reasoning);
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(lastUpstreamBody()).isEqualTo(reasoning);
    List<ChatCompletionChunk> chunks = chunks(stream.body());
    assertThat(chunks).isNotEmpty();
    assertThat(chunks.get(0).choices().get(0).delta()._additionalProperties()).containsKey("reasoning_content");
    assertThat(stream.body()).endsWith("data: [DONE]\n\n");

    for (String name : List.of("embeddings-float.json", "embeddings-base64.json")) {
      byte[] body = resource(name);
      HttpResponse<String> answer = post(portA, "/v1/embeddings", KEY, "application/json", body);
      assertThat(answer.statusCode()).as(name + ": " + answer.body()).isEqualTo(200);
      assertThat(lastUpstreamBody()).as(name).isEqualTo(body);
      assertThat(parse(answer, CreateEmbeddingResponse.class).data()).isNotEmpty();
    }
    byte[] rerank = resource("rerank.json");
    HttpResponse<String> reranked = post(portA, "/v1/rerank", KEY, "application/json", rerank);
    assertThat(reranked.statusCode()).as(reranked.body()).isEqualTo(200);
    assertThat(lastUpstreamBody()).isEqualTo(rerank);
    assertThat(new JsonObject(reranked.body()).getJsonArray("results")).hasSize(2);

    byte[] audio = resource("transcription.multipart");
    String boundary = new String(resource("transcription.boundary"), StandardCharsets.UTF_8);
    HttpResponse<String> transcribed = post(portA, "/v1/audio/transcriptions", KEY,
        "multipart/form-data; boundary=" + boundary, audio);
    assertThat(transcribed.statusCode()).as(transcribed.body()).isEqualTo(200);
    assertThat(lastUpstreamBody()).as("the multipart upload, byte for byte").isEqualTo(audio);
    assertThat(parse(transcribed, Transcription.class).text()).contains("fake transcription");

    byte[] speech = resource("speech.json");
    HttpResponse<byte[]> spoken = HTTP.send(request(portA, "/v1/audio/speech", KEY, "application/json", speech)
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(spoken.statusCode()).isEqualTo(200);
    assertThat(lastUpstreamBody()).isEqualTo(speech);
    assertThat(spoken.body()).isEqualTo(FakeOpenAiUpstream.SPEECH_BYTES);

    // the same calls through the SDK itself (FastGPT's client shape: retries on, a long timeout)
    OpenAIClient sdk = sdk(portA, KEY, 2);
    assertThat(sdk.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini")
        .addUserMessage("hi").build()).choices()).hasSize(1);
    try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("deepseek-reasoner").addUserMessage("think").build())) {
      assertThat(s.stream().count()).isPositive();
    }
  }

  // ---- timeouts ----------------------------------------------------------------------------------------------

  @Test
  void longCallsSucceedWithDefaultsWhileRelayTimeoutCutsThemAndAnIdleStreamIsCutAndBilled() throws Exception {
    long t0 = System.nanoTime();
    OpenAIClient patient = sdk(portA, KEY, 2);
    CompletableFuture<ChatCompletion> slowCall = CompletableFuture.supplyAsync(() -> patient.chat().completions()
        .create(ChatCompletionCreateParams.builder().model("slow-model").addUserMessage("think long").build()),
        CALLERS);
    CompletableFuture<List<String>> slowStream = CompletableFuture.supplyAsync(() -> {
      try (StreamResponse<ChatCompletionChunk> s = patient.chat().completions().createStreaming(
          ChatCompletionCreateParams.builder().model("slow-model").addUserMessage("stream long").build())) {
        return s.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse("")).toList();
      }
    }, CALLERS);
    // node B (RELAY_TIMEOUT=5): both cut at 5 s with a clear 504, no second attempt
    CompletableFuture<Timed> cutCall = timed(() -> post(portB, CHAT, KEY, "application/json",
        chatBody("slow-model", false)));
    CompletableFuture<Timed> cutStream = timed(() -> post(portB, CHAT, KEY, "application/json",
        chatBody("slow-model", true)));
    // node B (STREAM_IDLE_TIMEOUT=2): a stream silent after its first chunk is cut with an error event
    CompletableFuture<Timed> idle = timed(() -> post(portB, CHAT, KEY, "application/json",
        chatBody("stall-model", true)));

    for (Timed cut : List.of(cutCall.get(60, TimeUnit.SECONDS), cutStream.get(60, TimeUnit.SECONDS))) {
      assertThat(cut.response().statusCode()).as(cut.response().body()).isEqualTo(504);
      JsonObject error = new JsonObject(cut.response().body()).getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("upstream_timeout");
      assertThat(error.getString("message")).contains("RELAY_TIMEOUT = 5 s");
      assertThat(cut.millis()).as("cut at RELAY_TIMEOUT").isBetween(4_900L, 15_000L);
    }
    Timed cutIdle = idle.get(60, TimeUnit.SECONDS);
    assertThat(cutIdle.response().statusCode()).isEqualTo(200);
    assertThat(cutIdle.response().body()).startsWith("data: {").contains("upstream_timeout")
        .contains("STREAM_IDLE_TIMEOUT = 2 s").doesNotContain("[DONE]");
    assertThat(cutIdle.millis()).as("cut 2 s after the first chunk").isBetween(1_900L, 15_000L);
    String idleId = cutIdle.response().headers().firstValue("X-Oneapi-Request-Id").orElseThrow();

    ChatCompletion completion = slowCall.get(300, TimeUnit.SECONDS);
    List<String> deltas = slowStream.get(300, TimeUnit.SECONDS);
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    assertThat(seconds).as("both waited out the 130 s upstream").isGreaterThanOrEqualTo(SLOW_MILLIS / 1000);
    assertThat(completion.choices().get(0).message().content()).hasValue("Hello from the fake upstream");
    assertThat(String.join("", deltas)).isNotEmpty();
    long slowCalls = upstream.requests().stream().filter(r -> r.body().toString().contains("slow-model")).count();
    assertThat(slowCalls).as("one upstream request per call: two on node A, two on node B, none retried")
        .isEqualTo(4);

    // the idle cut is billed for what it delivered (a consume row) and its timeout is an error row
    Eventually.eventually(Duration.ofSeconds(30), "the idle cut's log rows",
        () -> sql("SELECT count(*) FROM logs WHERE request_id = $1", Tuple.of(idleId)).iterator().next()
            .getLong(0) == 2);
    Row consume = sql("SELECT completion_tokens, quota FROM logs WHERE request_id = $1 AND type = 2",
        Tuple.of(idleId)).iterator().next();
    assertThat(consume.getInteger("completion_tokens")).as("the delivered text, estimated").isPositive();
    assertThat(consume.getLong("quota")).isPositive();
    Row error = sql("SELECT http_status, failure_class, content FROM logs WHERE request_id = $1 AND type = 6",
        Tuple.of(idleId)).iterator().next();
    assertThat(error.getString("failure_class")).isEqualTo("TIMEOUT");
    assertThat(error.getInteger("http_status")).isEqualTo(504);
  }

  // ---- retries ----------------------------------------------------------------------------------------------

  @Test
  void theSdkMakesOneAttemptPerFinalRefusalAndRetriesARateLimit() {
    record Refusal(String what, String key, String model, int status) {
    }
    List<Refusal> refusals = List.of(
        new Refusal("used-up key (status 4)", EXHAUSTED, "gpt-4o-mini", 401),
        new Refusal("limited key with nothing left", USED_UP, "gpt-4o-mini", 401),
        new Refusal("expired key", EXPIRED, "gpt-4o-mini", 401),
        new Refusal("disabled key", DISABLED, "gpt-4o-mini", 401),
        new Refusal("unknown key", key('z'), "gpt-4o-mini", 401),
        new Refusal("user quota insufficient", POOR, "gpt-4o-mini", 403),
        new Refusal("model not allowed", ONLY_MINI, "deepseek-reasoner", 403),
        new Refusal("subnet", SUBNET, "gpt-4o-mini", 403),
        new Refusal("unpriced model", KEY, "unpriced-model", 400),
        new Refusal("no channel for the model", KEY, "gpt-4-unknown", 503));
    for (Refusal r : refusals) {
      long before = relayed(first);
      assertThatThrownBy(() -> sdk(portA, r.key(), 2).chat().completions().create(ChatCompletionCreateParams
          .builder().model(r.model()).addUserMessage("hi").build()))
          .as(r.what()).isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
            assertThat(e.statusCode()).as(r.what()).isEqualTo(r.status());
            assertThat(e.headers().values("x-should-retry")).as(r.what()).containsExactly("false");
          });
      assertRelayed(before, 1, r.what());
    }
    long before = relayed(first);
    HttpResponse<String> invalid = post(portA, CHAT, KEY, "application/json", "{\"model\":".getBytes());
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.headers().firstValue("x-should-retry")).hasValue("false");
    assertRelayed(before, 1, "invalid JSON");
    assertThat(upstream.requests()).as("no refusal reached the upstream").isEmpty();

    // a rate limit is retryable: the upstream's 429 (with its retry-after) reaches the SDK, which tries again
    upstream.replyNext((v, req, body, resp) -> resp.setStatusCode(429).putHeader("Content-Type", "application/json")
        .putHeader("retry-after", "1").end(new JsonObject().put("error", new JsonObject().put("message", "slow down")
            .put("type", "rate_limit_error").putNull("param").put("code", "rate_limit_exceeded")).encode()));
    before = relayed(first);
    ChatCompletion ok = sdk(portA, KEY, 2).chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o-mini").addUserMessage("hi").build());
    assertThat(ok.choices()).hasSize(1);
    assertRelayed(before, 2, "the 429 and the SDK's retry");
    assertThat(upstream.requests()).hasSize(2);
  }

  // ---- logs ---------------------------------------------------------------------------------------------------

  @Test
  void failuresAreErrorRowsNeverConsumeRowsAndFunctionCallStreamsBillTheirCompletion() throws Exception {
    upstream.failNext(500, "server_error", null);
    HttpResponse<String> failed = post(portA, CHAT, KEY, "application/json", chatBody("gpt-4o-mini", false));
    assertThat(failed.statusCode()).isEqualTo(500);
    String failedId = requestId(failed);
    HttpResponse<String> refused = post(portA, CHAT, ONLY_MINI, "application/json",
        chatBody("deepseek-reasoner", false));
    assertThat(refused.statusCode()).isEqualTo(403);
    String refusedId = requestId(refused);
    HttpResponse<String> functions = post(portA, CHAT, KEY, "application/json",
        resource("chat-functions-stream.json"));
    assertThat(functions.statusCode()).isEqualTo(200);
    assertThat(functions.body()).contains("function_call").endsWith("data: [DONE]\n\n");
    String functionsId = requestId(functions);

    Eventually.eventually(Duration.ofSeconds(30), "the three requests' log rows", () -> sql(
        "SELECT count(*) FROM logs WHERE request_id IN ($1, $2, $3)", Tuple.of(failedId, refusedId, functionsId))
        .iterator().next().getLong(0) == 3);
    Row upstreamError = sql("SELECT type, quota, http_status, failure_class, channel_id, content FROM logs "
        + "WHERE request_id = $1", Tuple.of(failedId)).iterator().next();
    assertThat(upstreamError.getInteger("type")).as("a failed attempt is an error row, not a 0-quota consume row")
        .isEqualTo(6);
    assertThat(upstreamError.getInteger("http_status")).isEqualTo(500);
    assertThat(upstreamError.getString("failure_class")).isEqualTo("TRANSIENT");
    assertThat(upstreamError.getInteger("channel_id")).isEqualTo(channelId);
    assertThat(upstreamError.getString("content")).contains("fake failure 500");
    Row refusal = sql("SELECT type, http_status, failure_class, username, model_name FROM logs "
        + "WHERE request_id = $1", Tuple.of(refusedId)).iterator().next();
    assertThat(refusal.getInteger("type")).isEqualTo(6);
    assertThat(refusal.getInteger("http_status")).isEqualTo(403);
    assertThat(refusal.getString("failure_class")).isEqualTo("REFUSED");
    assertThat(refusal.getString("username")).isEqualTo("fastgpt");
    Row billed = sql("SELECT type, completion_tokens, quota FROM logs WHERE request_id = $1",
        Tuple.of(functionsId)).iterator().next();
    assertThat(billed.getInteger("type")).isEqualTo(2);
    assertThat(billed.getInteger("completion_tokens")).as("the streamed function_call name and arguments")
        .isGreaterThanOrEqualTo(5);

    // /api/log filters them apart: type=6 the error rows with status and class, type=2 billed requests only
    JsonArray errors = apiLogs("type=6&username=fastgpt");
    assertThat(errors.stream().map(o -> ((JsonObject) o).getString("request_id")).toList())
        .contains(failedId, refusedId).doesNotContain(functionsId);
    JsonObject shown = errors.stream().map(o -> (JsonObject) o)
        .filter(o -> failedId.equals(o.getString("request_id"))).findFirst().orElseThrow();
    assertThat(shown.getInteger("http_status")).isEqualTo(500);
    assertThat(shown.getString("failure_class")).isEqualTo("TRANSIENT");
    assertThat(shown.getInteger("channel")).isEqualTo(channelId);
    JsonArray consumed = apiLogs("type=2&username=fastgpt");
    assertThat(consumed.stream().map(o -> ((JsonObject) o).getString("request_id")).toList())
        .contains(functionsId).doesNotContain(failedId, refusedId);
  }

  // ---- the fake upstream's chat answers -------------------------------------------------------------------------

  /** Chat answers by request: slow models wait 130 s, the stall model stops after one chunk, functions, reasoning. */
  private static void chatReply(Vertx vertx, io.vertx.core.http.HttpServerRequest req, Buffer body,
                                HttpServerResponse resp) {
    JsonObject json = body.toJsonObject();
    String model = json.getString("model", "");
    boolean stream = Boolean.TRUE.equals(json.getValue("stream"));
    if (model.equals("slow-model")) {
      vertx.setTimer(SLOW_MILLIS, id -> {
        if (!resp.closed()) {
          upstream.standardReply().answer(vertx, req, body, resp);
        }
      });
    } else if (model.equals("stall-model")) {
      resp.setChunked(true).putHeader("Content-Type", "text/event-stream")
          .write(chunk(new JsonObject().put("role", "assistant").put("content", "The first words of a long "
              + "answer that never ends")));
    } else if (json.containsKey("functions")) {
      JsonObject call = new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"上海\"}");
      if (stream) {
        resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
        resp.write(chunk(new JsonObject().put("role", "assistant").put("function_call",
            new JsonObject().put("name", "get_weather").put("arguments", ""))));
        resp.write(chunk(new JsonObject().put("function_call", new JsonObject().put("arguments", "{\"city\":"))));
        resp.write(chunk(new JsonObject().put("function_call", new JsonObject().put("arguments", "\"上海\"}"))));
        resp.end("data: [DONE]\n\n");
      } else {
        resp.putHeader("Content-Type", "application/json").end(completion(model, new JsonObject()
            .put("role", "assistant").putNull("content").put("function_call", call), "function_call").encode());
      }
    } else if (model.equals("deepseek-reasoner")) {
      resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
      resp.write(chunk(new JsonObject().put("role", "assistant").put("content", "")
          .put("reasoning_content", "9.11 < 9.8 because ")));
      resp.write(chunk(new JsonObject().put("content", "9.8 更大。")));
      resp.end("data: {\"id\":\"chatcmpl-r\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
          + "\"model\":\"deepseek-reasoner\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,"
          + "\"total_tokens\":21}}\n\ndata: [DONE]\n\n");
    } else if (json.containsKey("response_format")) {
      resp.putHeader("Content-Type", "application/json").end(completion(model, new JsonObject()
          .put("role", "assistant").put("content", "{\"name\":\"张三\",\"age\":28,\"city\":\"杭州\"}"), "stop")
          .put("usage", new JsonObject().put("prompt_tokens", 30).put("completion_tokens", 12)
              .put("total_tokens", 42)).encode());
    } else {
      upstream.standardReply().answer(vertx, req, body, resp);
    }
  }

  private static String chunk(JsonObject delta) {
    return "data: " + new JsonObject().put("id", "chatcmpl-s").put("object", "chat.completion.chunk")
        .put("created", 1700000000).put("model", "m").put("choices", new JsonArray().add(new JsonObject()
            .put("index", 0).put("delta", delta).putNull("finish_reason"))).encode() + "\n\n";
  }

  private static JsonObject completion(String model, JsonObject message, String finish) {
    return new JsonObject().put("id", "chatcmpl-f").put("object", "chat.completion").put("created", 1700000000)
        .put("model", model).put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", message).putNull("logprobs").put("finish_reason", finish)));
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private record Timed(HttpResponse<String> response, long millis) {
  }

  private static CompletableFuture<Timed> timed(Supplier<HttpResponse<String>> call) {
    return CompletableFuture.supplyAsync(() -> {
      long t = System.nanoTime();
      HttpResponse<String> r = call.get();
      return new Timed(r, (System.nanoTime() - t) / 1_000_000);
    }, CALLERS);
  }

  private static byte[] chatBody(String model, boolean stream) {
    return new JsonObject().put("model", model).put("stream", stream).put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "hello"))).encode().getBytes(StandardCharsets.UTF_8);
  }

  private static OpenAIClient sdk(int port, String key, int retries) {
    return OpenAIOkHttpClient.builder().apiKey("sk-" + key).baseUrl("http://127.0.0.1:" + port + "/v1")
        .maxRetries(retries).timeout(Duration.ofSeconds(600)).build();
  }

  /**
   * Node A answered exactly {@code expected} relay requests since {@code before} (its meter records a response at
   * its end, a moment after the client may have it: waited for, and a count past it never matches).
   */
  private static void assertRelayed(long before, long expected, String what) {
    Eventually.eventually(Duration.ofSeconds(5), what + ": " + expected + " request(s) counted at the gateway",
        () -> relayed(first) - before == expected);
  }

  /** Relayed requests node {@code rt} answered (its relay meter: every /v1 request, counted at the gateway). */
  private static long relayed(ProcessRuntime rt) {
    return rt.metrics().get("onegate.relay.request").timer().count();
  }

  private static <T> T parse(HttpResponse<String> answer, Class<T> type) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    try {
      return SDK_JSON.readValue(answer.body(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<ChatCompletionChunk> chunks(String sse) throws IOException {
    List<ChatCompletionChunk> out = new ArrayList<>();
    for (String event : sse.split("\n\n")) {
      if (event.startsWith("data: {")) {
        ChatCompletionChunk chunk = SDK_JSON.readValue(event.substring(6), ChatCompletionChunk.class);
        if (!chunk.choices().isEmpty()) {
          out.add(chunk);
        }
      }
    }
    return out;
  }

  private static byte[] lastUpstreamBody() {
    List<FakeOpenAiUpstream.Recorded> seen = upstream.requests();
    assertThat(seen).isNotEmpty();
    return seen.get(seen.size() - 1).body().getBytes();
  }

  private static byte[] resource(String name) {
    try (InputStream in = FastGptEndToEndTest.class.getResourceAsStream("/fastgpt/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource fastgpt/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpRequest.Builder request(int port, String path, String key, String contentType, byte[] body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(300))
        .header("Authorization", "Bearer sk-" + key).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private static HttpResponse<String> post(int port, String path, String key, String contentType, byte[] body) {
    try {
      return HTTP.send(request(port, path, key, contentType, body).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String requestId(HttpResponse<String> response) {
    return response.headers().firstValue("X-Oneapi-Request-Id").orElseThrow();
  }

  private static JsonArray apiLogs(String query) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portA
              + "/api/log/?p=0&" + query)).header("Authorization", "Bearer " + ACCESS).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      JsonObject envelope = new JsonObject(r.body());
      assertThat(envelope.getBoolean("success")).as(r.body()).isTrue();
      return envelope.getJsonArray("data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void option(String key, String value) {
    sql("INSERT INTO options (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2",
        Tuple.of(key, value));
  }

  private static void token(int user, String key, int status, long expired, long remain, boolean unlimited,
                            String models, String subnet) {
    sql("INSERT INTO tokens (user_id, key, status, name, expired_time, remain_quota, unlimited_quota, models, subnet) "
        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", Tuple.tuple().addInteger(user).addString(key)
        .addInteger(status).addString("t-" + key.charAt(0)).addLong(expired).addLong(remain).addBoolean(unlimited)
        .addString(models).addString(subnet));
  }

  private static String key(char c) {
    return String.valueOf(c).repeat(48);
  }

  private static RowSet<Row> sql(String query) {
    return sql(query, Tuple.tuple());
  }

  private static RowSet<Row> sql(String query, Tuple args) {
    return await(first.pg().preparedQuery(query).execute(args));
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
