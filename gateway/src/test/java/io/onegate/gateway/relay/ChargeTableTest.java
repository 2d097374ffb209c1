package io.onegate.gateway.relay;

import static io.onegate.gateway.relay.RelayFixture.await;
import static io.onegate.gateway.relay.RelayFixture.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.domain.ChangeNotice;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.testkit.Eventually;
import io.onegate.testkit.fake.FakeServer;
import io.onegate.testkit.fake.FakeServer.Answer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each endpoint kind is charged, through the real relay: one gateway node (real PostgreSQL, Hazelcast and
 * Kafka) in front of a fake OpenAI upstream that reports fixed usage; the quota is read from the usage event the
 * node emitted to Kafka. Expected amounts are worked out by hand from One API's ratios (docs/billing.md §4).
 */
class ChargeTableTest {
  private static Config config;
  private static ProcessRuntime rt;
  private static ProcessMain.Application app;
  private static Vertx fakeVertx;
  private static WebClient web;
  private static int port;
  private static UsageTopic usage;

  /** One priced request: the path, its body (JSON, or a multipart form) and the quota it must be charged. */
  record Row(String what, String path, JsonObject json, MultipartForm form, long quota) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Row> endpoints() {
    return Stream.of(
        // (1000 + 500 × completion ratio 3) × 0.25
        json("chat", "/v1/chat/completions", chat("gpt-3.5-turbo"), 625),
        // ceil((30 + 60 × 4/3) × 0.75)
        json("completions", "/v1/completions", new JsonObject().put("model", "gpt-3.5-turbo-instruct")
            .put("prompt", "Say this is a test"), 83),
        // 1000 input tokens × 0.01
        json("embeddings", "/v1/embeddings", new JsonObject().put("model", "text-embedding-3-small")
            .put("input", "hello"), 10),
        // no usage in OpenAI's moderation answer: the estimate, "hello world" = 2 tokens × 0.1, at least 1
        json("moderations", "/v1/moderations", new JsonObject().put("input", "hello world"), 1),
        // Jina's usage: 120 total tokens, all input, × 0.1 (ModelRatio option)
        json("rerank", "/v1/rerank", new JsonObject().put("model", "rerank-model").put("query", "cat")
            .put("documents", new JsonArray().add("a dog").add("a cat")), 12),
        // int(20 × 2 (1792x1024) × 1.5 (hd) × 1000)
        json("images", "/v1/images/generations", new JsonObject().put("model", "dall-e-3").put("prompt", "a cat")
            .put("size", "1792x1024").put("quality", "hd"), 60_000),
        // 8 characters (12 UTF-8 bytes) × 7.5
        json("speech", "/v1/audio/speech", new JsonObject().put("model", "tts-1").put("input", "你好 hello")
            .put("voice", "alloy"), 60),
        // the upstream reports 12.5 s: ceil(12.5 × $0.0001 × 500000)
        new Row("transcription", "/v1/audio/transcriptions", null, MultipartForm.create()
            .attribute("model", "whisper-1").binaryFileUpload("file", "a.wav", wav(3), "audio/wav"), 625),
        // text answer, no report: the uploaded WAV's 3 s × $0.0001 × 500000
        new Row("translation", "/v1/audio/translations", null, MultipartForm.create()
            .attribute("model", "whisper-1").attribute("response_format", "text")
            .binaryFileUpload("file", "a.wav", wav(3), "audio/wav"), 150),
        // ModelPrice {"flux-pro": 0.05}: $0.05 × 500000 per call, whatever the tokens
        json("per-call priced model", "/v1/chat/completions", chat("flux-pro"), 25_000));
  }

  private static Row json(String what, String path, JsonObject body, long quota) {
    return new Row(what, path, body, null, quota);
  }

  private static JsonObject chat(String model) {
    return new JsonObject().put("model", model).put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "hello")));
  }

  /** 8 kHz 8-bit mono PCM: 8000 bytes a second. */
  private static Buffer wav(int seconds) {
    int data = 8000 * seconds;
    ByteBuffer b = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + data).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
        .putShort((short) 1).putShort((short) 1).putInt(8000).putInt(8000).putShort((short) 1).putShort((short) 8)
        .put("data".getBytes()).putInt(data);
    return Buffer.buffer(b.array());
  }

  /** The fake upstream's answers, by OpenAI path, with the usage the rows expect. */
  private static Answer upstream(FakeServer.Call call) {
    return switch (call.path()) {
      case "/v1/chat/completions" -> Answer.json(200, new JsonObject().put("object", "chat.completion")
          .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message",
              new JsonObject().put("role", "assistant").put("content", "hi"))))
          .put("usage", usage(1000, 500)));
      case "/v1/completions" -> Answer.json(200, new JsonObject().put("object", "text_completion")
          .put("choices", new JsonArray().add(new JsonObject().put("text", "This is a test")))
          .put("usage", usage(30, 60)));
      case "/v1/embeddings" -> Answer.json(200, new JsonObject().put("object", "list")
          .put("data", new JsonArray().add(new JsonObject().put("embedding", new JsonArray().add(0.1))))
          .put("usage", new JsonObject().put("prompt_tokens", 1000).put("total_tokens", 1000)));
      case "/v1/moderations" -> Answer.json(200, new JsonObject().put("id", "modr-1")
          .put("results", new JsonArray().add(new JsonObject().put("flagged", false))));
      case "/v1/rerank" -> Answer.json(200, new JsonObject().put("results", new JsonArray())
          .put("usage", new JsonObject().put("total_tokens", 120)));
      case "/v1/images/generations" -> Answer.json(200, new JsonObject().put("created", 1)
          .put("data", new JsonArray().add(new JsonObject().put("url", "https://images.example/x.png"))));
      case "/v1/audio/speech" -> Answer.of(200, "audio/mpeg", Buffer.buffer(new byte[] {1, 2, 3}));
      case "/v1/audio/transcriptions" -> Answer.json(200, new JsonObject().put("text", "hello")
          .put("usage", new JsonObject().put("type", "duration").put("seconds", 12.5)));
      case "/v1/audio/translations" -> Answer.of(200, "text/plain", Buffer.buffer("hello"));
      default -> Answer.of(404, "text/plain", Buffer.buffer("no " + call.path()));
    };
  }

  private static JsonObject usage(long prompt, long completion) {
    return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
  }

  @BeforeAll
  static void start() throws Exception {
    config = RelayFixture.config(Map.of());
    rt = RelayFixture.runtime(config);
    fakeVertx = Vertx.vertx();
    FakeServer fake = await(FakeServer.start(fakeVertx, ChargeTableTest::upstream));
    RelayFixture.option(rt, "ModelRatio", "{\"rerank-model\":0.1}");
    RelayFixture.option(rt, "ModelPrice", "{\"flux-pro\":0.05}");
    int user = RelayFixture.user(rt, "payer", 1, 1_000_000_000L, "default");
    RelayFixture.token(rt, user, key('c'), 1, -1, 0, true, "", "");
    RelayFixture.channel(rt, config, 1, "upstream-key", fake.baseUrl(), "gpt-3.5-turbo,gpt-3.5-turbo-instruct,"
        + "text-embedding-3-small,text-moderation-stable,rerank-model,dall-e-3,tts-1,whisper-1,flux-pro,"
        + "my-local-llm", "default", 0, 0, "");
    app = RelayFixture.gateway(rt);
    port = config.get(Settings.PORT);
    web = WebClient.create(fakeVertx);
    usage = UsageTopic.open(config);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (usage != null) {
      usage.close();
    }
    RelayFixture.stop(app, rt);
    if (fakeVertx != null) {
      fakeVertx.close();
    }
  }

  private static HttpResponse<Buffer> post(String path, JsonObject json, MultipartForm form) {
    var request = web.post(port, "127.0.0.1", path).putHeader("Authorization", "Bearer sk-" + key('c'));
    return await(json != null ? request.sendJsonObject(json) : request.sendMultipartForm(form));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void eachEndpointIsChargedItsPriceBookAmount(Row row) {
    HttpResponse<Buffer> answer = post(row.path(), row.json(), row.form());
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    String id = answer.getHeader(RequestIds.HEADER);
    UsageEvent event = usage.event(id);
    assertThat(event.status()).isEqualTo("success");
    assertThat(event.quota()).isEqualTo(row.quota());
  }

  @Test
  void anUnpricedModelIsRefusedNamingTheOptionOrServedFreeInSelfUseMode() {
    HttpResponse<Buffer> refused = post("/v1/chat/completions", chat("my-local-llm"), null);
    assertThat(refused.statusCode()).isEqualTo(400);
    JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("model_not_priced");
    assertThat(error.getString("message")).contains("set a price in the channel editor")
        .contains("enable SelfUseModeEnabled to serve unpriced models free");
    String refusedId = refused.getHeader(RequestIds.HEADER);

    RelayFixture.option(rt, "SelfUseModeEnabled", "true");
    RelayFixture.publish(rt, new ChangeNotice(ChangeNotice.Kind.OPTION, 0));
    try {
      HttpResponse<Buffer>[] served = new HttpResponse[1];
      Eventually.eventually(Duration.ofSeconds(10), () -> {
        served[0] = post("/v1/chat/completions", chat("my-local-llm"), null);
        assertThat(served[0].statusCode()).as("the node applied the option").isEqualTo(200);
      });
      String id = served[0].getHeader(RequestIds.HEADER);
      UsageEvent free = usage.event(id);
      UsageEvent refusal = usage.events(List.of(id, refusedId)).get(refusedId);
      assertThat(refusal.type()).as("a refused request has no consume event, only its error event")
          .isEqualTo(UsageEvent.TYPE_ERROR);
      assertThat(refusal.quota()).isZero();
      assertThat(refusal.errors()).singleElement().satisfies(e -> assertThat(e.code()).isEqualTo("model_not_priced"));
      assertThat(free.quota()).isZero();
      assertThat(free.promptTokens()).isEqualTo(1000);
      assertThat(free.content()).contains("unpriced model served free (SelfUseModeEnabled)");
    } finally {
      RelayFixture.option(rt, "SelfUseModeEnabled", "false");
      RelayFixture.publish(rt, new ChangeNotice(ChangeNotice.Kind.OPTION, 0));
    }
  }
}
