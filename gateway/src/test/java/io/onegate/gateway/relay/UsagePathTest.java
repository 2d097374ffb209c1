package io.onegate.gateway.relay;

import static io.onegate.gateway.relay.RelayFixture.await;
import static io.onegate.gateway.relay.RelayFixture.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.crypto.KeyCipher;
import io.onegate.common.domain.ChannelRepository;
import io.onegate.common.error.FailureClass;
import io.onegate.common.event.AttemptError;
import io.onegate.common.event.AttemptOutcome;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.gateway.state.SnapshotLoader;
import io.onegate.gateway.state.StateStore;
import io.onegate.testkit.Eventually;
import io.onegate.testkit.RecordingUsageSink;
import io.onegate.testkit.fake.Cassettes;
import io.onegate.testkit.fake.FakeServer;
import io.onegate.testkit.fake.FakeServer.Answer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The relay's per-request invariant as a table, over the real relay chain (real PostgreSQL for the snapshot, a
 * real Hazelcast member for the live balances) with a {@link RecordingUsageSink} instead of Kafka and scripted
 * fake upstreams ({@link FakeServer} answering OpenAI and DashScope cassettes): on every path, exactly one usage
 * event per admitted request — a consume event when something was delivered, an error event when nothing was —
 * carrying one error row per failed attempt; one error event for a request refused before admission by a known
 * key (none for an unknown key), and exactly one attempt outcome per upstream attempt. Each row also checks the ordering contract of {@code UsageSink}: when the usage event arrives
 * the client's response has not been finished (nothing of a non-stream body written, a stream's end held back).
 *
 * <p>Channels: two OpenAI channels at priority 10 (A1 also lists an unpriced model), one at priority 5 (B), a
 * DashScope channel for qwen-turbo. {@code RetryTimes} 2. Scripted answers go to whichever channel is called
 * next, so a row does not depend on the weighted pick.
 */
class UsagePathTest {
  private static final Queue<Answer> SCRIPT = new ConcurrentLinkedQueue<>();
  private static final RecordingUsageSink SINK = new RecordingUsageSink();
  private static final List<HttpServerResponse> RESPONSES = new CopyOnWriteArrayList<>();
  private static final Map<String, String> AT_USAGE = new ConcurrentHashMap<>();
  private static final Map<String, Long> AT_END = new ConcurrentHashMap<>();
  private static final String DONE = "data: [DONE]\n\n";

  private static ProcessRuntime rt;
  private static Vertx fakeVertx;
  private static HttpClient client;
  private static List<FakeServer> fakes;
  private static int port;
  private static int chB;

  /** One path: the client's call, the upstream's scripted answers, and what must be recorded. */
  record Row(String path, char key, String model, boolean stream, boolean abort, List<Answer> script,
             int httpStatus, String usageStatus, List<FailureClass> outcomes) {
    @Override
    public String toString() {
      return path;
    }
  }

  static Stream<Row> paths() {
    return Stream.of(
        new Row("success", 'u', "gpt-4o-mini", false, false, List.of(), 200, "success",
            List.of(FailureClass.NONE)),
        new Row("success, stream", 'u', "gpt-4o-mini", true, false, List.of(), 200, "success",
            List.of(FailureClass.NONE)),
        new Row("retry on another channel after a 500", 'u', "gpt-4o-mini", false, false,
            List.of(openAiError(500, "server_error", null)), 200, "success",
            List.of(FailureClass.TRANSIENT, FailureClass.NONE)),
        new Row("failover to the lower priority after 500 and 429", 'u', "gpt-4o-mini", true, false,
            List.of(openAiError(500, "server_error", null), openAiError(429, "rate_limit_error", null)), 200,
            "success", List.of(FailureClass.TRANSIENT, FailureClass.RATE_LIMITED, FailureClass.NONE)),
        new Row("every channel fails", 'u', "gpt-4o-mini", false, false,
            List.of(openAiError(503, "server_error", null), openAiError(503, "server_error", null),
                openAiError(503, "server_error", null)), 503, "failed",
            List.of(FailureClass.TRANSIENT, FailureClass.TRANSIENT, FailureClass.TRANSIENT)),
        new Row("client abort mid-stream", 'u', "gpt-4o-mini", true, true, List.of(stalledStream()), 0,
            "client_aborted", List.of(FailureClass.CLIENT_ABORTED)),
        new Row("idle cut of a stream", 'u', "gpt-4o-mini", true, false, List.of(stalledStream()), 200, "success",
            List.of(FailureClass.TIMEOUT)),
        new Row("upstream error status, not retried", 'u', "gpt-4o-mini", false, false,
            List.of(openAiError(400, "invalid_request_error", "context_length_exceeded")), 400, "failed",
            List.of(FailureClass.BAD_REQUEST)),
        new Row("upstream error in a 2xx body", 'u', "qwen-turbo", false, false,
            List.of(Answer.of(200, "application/json", Cassettes.load("ali", "error-400.json"))), 400, "failed",
            List.of(FailureClass.BAD_REQUEST)),
        new Row("upstream error inside a stream", 'u', "qwen-turbo", true, false,
            List.of(Answer.of(200, "text/event-stream", Cassettes.load("ali", "chat-stream-error.sse"))), 200,
            "success", List.of(FailureClass.BAD_REQUEST)),
        new Row("refused: invalid key", 'z', "gpt-4o-mini", false, false, List.of(), 401, null, List.of()),
        new Row("refused: model not allowed for the key", 'l', "gpt-4o-mini", false, false, List.of(), 403, null,
            List.of()),
        new Row("refused: no channel", 'u', "gpt-4", false, false, List.of(), 503, null, List.of()),
        new Row("refused: unpriced model", 'u', "unpriced-model", false, false, List.of(), 400, null, List.of()),
        new Row("refused: insufficient quota", 'p', "gpt-4o-mini", false, false, List.of(), 403, null, List.of()));
  }

  private static Answer openAiError(int status, String type, String code) {
    return Answer.json(status, new JsonObject().put("error", new JsonObject().put("message", "fake " + status)
        .put("type", type).putNull("param").put("code", code)));
  }

  /** Two chunks of an OpenAI stream, then silence. */
  private static Answer stalledStream() {
    String events = Cassettes.load("openai", "chat-stream.sse").toString();
    int second = events.indexOf("\n\n", events.indexOf("\n\n") + 2) + 2;
    return Answer.of(200, "text/event-stream", Buffer.buffer(events.substring(0, second))).thenStall();
  }

  /** The cassette answer of an OpenAI chat request. */
  private static Answer openAiAnswer(FakeServer.Call call) {
    JsonObject body = call.json();
    if (body != null && Boolean.TRUE.equals(body.getValue("stream"))) {
      return Answer.chunked(200, "text/event-stream", Cassettes.load("openai", "chat-stream-usage.sse"), 5);
    }
    return Answer.chunked(200, "application/json", Cassettes.load("openai", "chat.json"), 3);
  }

  @BeforeAll
  static void start() throws Exception {
    Config config = RelayFixture.config(Map.of(Settings.STREAM_IDLE_TIMEOUT.name(), "1"));
    rt = RelayFixture.runtime(config);
    fakeVertx = Vertx.vertx();
    fakes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      fakes.add(await(FakeServer.start(fakeVertx, call -> {
        Answer scripted = SCRIPT.poll();
        return scripted != null ? scripted : openAiAnswer(call);
      })));
    }
    RelayFixture.option(rt, "RetryTimes", "2");
    int user = RelayFixture.user(rt, "walker", 1, 1_000_000_000L, "default");
    int poor = RelayFixture.user(rt, "poor", 1, 1, "default");
    RelayFixture.token(rt, user, key('u'), 1, -1, 0, true, "", "");
    RelayFixture.token(rt, user, key('l'), 1, -1, 0, true, "gpt-4", "");
    RelayFixture.token(rt, poor, key('p'), 1, -1, 0, true, "", "");
    RelayFixture.channel(rt, config, 1, "key-a1", fakes.get(0).baseUrl(), "gpt-4o-mini,unpriced-model", "default",
        10, 1, "");
    RelayFixture.channel(rt, config, 1, "key-a2", fakes.get(1).baseUrl(), "gpt-4o-mini", "default", 10, 1, "");
    chB = RelayFixture.channel(rt, config, 1, "key-b", fakes.get(2).baseUrl(), "gpt-4o-mini", "default", 5, 1, "");
    RelayFixture.channel(rt, config, 17, "key-ali", fakes.get(3).baseUrl(), "qwen-turbo", "default", 0, 1, "");
    StateStore state = await(StateStore.start(rt.vertx(), new SnapshotLoader(rt.pg(),
        new ChannelRepository(rt.pg(), KeyCipher.fromConfig(config)), io.onegate.common.crypto.TokenVault.fromConfig(config)),
        Duration.ofMinutes(10)));
    RelayServices services = await(rt.vertx().executeBlocking(() -> RelayRoutes.services(rt, state, SINK)));
    SINK.onUsage(e -> AT_USAGE.put(e.requestId(), responseState(e.requestId())));
    Router router = Router.router(rt.vertx());
    router.route("/v1/*").order(-2).handler(ctx -> {
      RESPONSES.add(ctx.response());
      ctx.addEndHandler(v -> AT_END.put(ctx.response().headers().get(RequestIds.HEADER),
          ctx.response().bytesWritten()));
      ctx.next();
    });
    RelayRoutes.mount(router, rt.vertx(), services);
    port = await(rt.vertx().createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();
    client = fakeVertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    RelayFixture.stop(null, rt);
    if (fakeVertx != null) {
      fakeVertx.close();
    }
  }

  /** "ended=…,bytes=…" of the gateway's response to {@code requestId} (on the gateway's event loop). */
  private static String responseState(String requestId) {
    for (HttpServerResponse r : RESPONSES) {
      if (requestId.equals(r.headers().get(RequestIds.HEADER))) {
        return "ended=" + r.ended() + ",bytes=" + r.bytesWritten();
      }
    }
    return "no response";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void exactlyOneUsageEventPerAdmittedRequestAndOneOutcomePerAttempt(Row row) throws Exception {
    SCRIPT.clear();
    SCRIPT.addAll(row.script());
    int callsBefore = upstreamCalls();
    Answered answer = send(row);

    List<AttemptOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < row.outcomes().size(); i++) {
      outcomes.add(SINK.takeOutcome());
    }
    assertThat(outcomes).extracting(AttemptOutcome::failureClass).containsExactlyElementsOf(row.outcomes());
    assertThat(outcomes).allSatisfy(o -> assertThat(o.requestId()).isEqualTo(answer.requestId()));
    assertThat(outcomes).extracting(AttemptOutcome::channelId).doesNotHaveDuplicates();
    assertThat(upstreamCalls() - callsBefore).as("one outcome per upstream attempt").isEqualTo(outcomes.size());
    if (row.usageStatus() != null) {
      UsageEvent usage = SINK.takeUsage();
      assertThat(usage.requestId()).isEqualTo(answer.requestId());
      assertThat(usage.status()).isEqualTo(row.usageStatus());
      assertThat(usage.quota() > 0).as("billed only what reached the client")
          .isEqualTo(!"failed".equals(row.usageStatus()));
      assertThat(usage.channelId()).isEqualTo(outcomes.get(outcomes.size() - 1).channelId());
      assertThat(usage.type()).as("consume only when something was billed")
          .isEqualTo("failed".equals(row.usageStatus()) ? UsageEvent.TYPE_ERROR : UsageEvent.TYPE_CONSUME);
      List<FailureClass> failed = outcomes.stream().map(AttemptOutcome::failureClass)
          .filter(c -> c != FailureClass.NONE && c != FailureClass.CLIENT_ABORTED).toList();
      assertThat(usage.errors()).as("one error row per failed attempt, oldest first")
          .extracting(e -> FailureClass.valueOf(e.failureClass())).containsExactlyElementsOf(failed);
      assertThat(usage.errors()).extracting(e -> e.channelId())
          .containsExactlyElementsOf(outcomes.stream().filter(o -> failed.contains(o.failureClass()))
              .map(AttemptOutcome::channelId).toList());
      assertOrdering(row, answer);
    } else if (row.key() != 'z') {
      UsageEvent refused = SINK.takeUsage();
      assertThat(refused.requestId()).isEqualTo(answer.requestId());
      assertThat(refused.type()).isEqualTo(UsageEvent.TYPE_ERROR);
      assertThat(refused.quota()).isZero();
      assertThat(refused.status()).isEqualTo("refused");
      assertThat(refused.errors()).singleElement().satisfies(e -> {
        assertThat(e.failureClass()).isEqualTo(AttemptError.REFUSED);
        assertThat(e.httpStatus()).isEqualTo(row.httpStatus());
        assertThat(answer.body()).contains(e.message());
      });
    }
    if (!row.abort()) {
      assertThat(answer.status()).isEqualTo(row.httpStatus());
    }
    SINK.assertNothingElse();
    assertPathSpecifics(row, answer, outcomes);
  }

  /**
   * The usage event arrived before the client's response was finished (UsageSink's ordering contract): not ended,
   * nothing of a non-stream answer (or of an error answer) written yet, and a stream's end — at least its
   * {@code [DONE]} or error event — written after it. (bytesWritten counts chunk framing: only compared.)
   */
  private static void assertOrdering(Row row, Answered answer) {
    String state = AT_USAGE.get(answer.requestId());
    assertThat(state).as("response state when the usage event arrived").startsWith("ended=false");
    long atUsage = Long.parseLong(state.substring(state.indexOf("bytes=") + 6));
    if (row.abort()) {
      return;
    }
    Eventually.eventually(Duration.ofSeconds(5), "the response ended",
        () -> AT_END.containsKey(answer.requestId()));
    long atEnd = AT_END.get(answer.requestId());
    if (!row.stream() || answer.status() != 200) {
      assertThat(atUsage).as("no byte of the answer written before its usage event").isZero();
      assertThat(atEnd).isPositive();
    } else {
      assertThat(atEnd - atUsage).as("the stream's end written after its usage event")
          .isGreaterThanOrEqualTo(DONE.length());
    }
  }

  private static void assertPathSpecifics(Row row, Answered answer, List<AttemptOutcome> outcomes) {
    if (row.path().startsWith("success, stream") || row.path().startsWith("failover")) {
      assertThat(answer.body()).endsWith(DONE).contains("Hello");
    }
    if (row.path().startsWith("failover")) {
      assertThat(outcomes.get(2).channelId()).as("served by the priority-5 channel").isEqualTo(chB);
    }
    if (row.path().startsWith("idle cut")) {
      assertThat(answer.body()).contains("upstream_timeout").doesNotContain("[DONE]");
    }
    if (row.path().equals("upstream error inside a stream")) {
      assertThat(answer.body()).contains("DataInspectionFailed").doesNotContain("[DONE]");
    }
    if (row.path().startsWith("refused") || row.httpStatus() >= 400) {
      assertThat(new JsonObject(answer.body()).getJsonObject("error").getString("message"))
          .contains("(request id: " + answer.requestId() + ")");
    }
  }

  private static int upstreamCalls() {
    return fakes.stream().mapToInt(f -> f.calls().size()).sum();
  }

  /** What the client got: status, request id and body (for an aborted stream, what arrived before it left). */
  record Answered(int status, String requestId, String body) {
  }

  private static Answered send(Row row) {
    JsonObject body = new JsonObject().put("model", row.model())
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello there")));
    if (row.stream()) {
      body.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    }
    HttpClient http = row.abort() ? fakeVertx.createHttpClient() : client;
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setPort(port).setHost("127.0.0.1")
        .setURI("/v1/chat/completions").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer sk-" + key(row.key()));
    // Handlers are set inside the callbacks, on the client's event loop, so no byte can arrive before them.
    if (!row.abort()) {
      return await(http.request(options).compose(req -> req.send(body.toBuffer()).compose(r -> r.body()
          .map(b -> new Answered(r.statusCode(), r.getHeader(RequestIds.HEADER), b.toString())))));
    }
    // The client leaves as soon as the first bytes of the stream arrived.
    Promise<Buffer> first = Promise.promise();
    HttpClientResponse response = await(http.request(options).compose(req -> req.send(body.toBuffer())
        .map(r -> r.handler(first::tryComplete))));
    Buffer received = await(first.future());
    await(response.request().connection().close());
    http.close();
    return new Answered(response.statusCode(), response.getHeader(RequestIds.HEADER), received.toString());
  }
}
