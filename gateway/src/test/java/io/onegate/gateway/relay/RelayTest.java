package io.onegate.gateway.relay;

import static io.onegate.gateway.relay.RelayFixture.await;
import static io.onegate.gateway.relay.RelayFixture.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.audio.AudioModel;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.speech.SpeechModel;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImageModel;
import io.onegate.common.domain.ChangeNotice;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.event.AttemptOutcome;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.kafka.Topics;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.testkit.FakeOpenAiUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One gateway node on real PostgreSQL, Kafka and Hazelcast, driven by the official OpenAI Java SDK (and raw
 * Vert.x clients where bytes and timing matter) against two fake OpenAI upstreams: channel A (priority 10) and
 * channel B (priority 5).
 */
class RelayTest {
  private static Config config;
  private static ProcessRuntime rt;
  private static ProcessMain.Application app;
  private static Vertx fakeVertx;
  private static FakeOpenAiUpstream upA;
  private static FakeOpenAiUpstream upB;
  private static int chA;
  private static int chB;
  private static int port;
  private static WebClient web;
  private static HttpClient raw;

  @BeforeAll
  static void start() throws Exception {
    config = RelayFixture.config(Map.of(Settings.MAX_REQUEST_BODY_MB.name(), "1",
        Settings.GLOBAL_API_RATE_LIMIT.name(), "30", Settings.TRUSTED_PROXIES.name(), "127.0.0.1/32"));
    rt = RelayFixture.runtime(config);
    fakeVertx = Vertx.vertx();
    upA = await(new FakeOpenAiUpstream(fakeVertx).start());
    upB = await(new FakeOpenAiUpstream(fakeVertx).start());
    RelayFixture.option(rt, "ModelRatio", "{\"rerank-model\":0.1}");
    RelayFixture.option(rt, "RetryTimes", "1");
    int alice = RelayFixture.user(rt, "alice", 1, 1_000_000_000L, "default");
    int boss = RelayFixture.user(rt, "boss", 10, 1_000_000_000L, "default");
    RelayFixture.token(rt, alice, key('a'), 1, -1, 0, true, "", "");
    RelayFixture.token(rt, alice, key('b'), 1, -1, 0, false, "", "");
    RelayFixture.token(rt, alice, key('c'), 1, 1000, 0, true, "", "");
    RelayFixture.token(rt, alice, key('d'), 1, -1, 0, true, "gpt-4o-mini", "");
    RelayFixture.token(rt, alice, key('e'), 1, -1, 0, true, "", "10.9.0.0/16");
    RelayFixture.token(rt, boss, key('f'), 1, -1, 0, true, "", "");
    RelayFixture.token(rt, alice, key('g'), 2, -1, 0, true, "", "");
    int billed = RelayFixture.token(rt, alice, key('h'), 1, 1_900_000_000L, 400_000, false, "", "");
    await(rt.pg().preparedQuery("UPDATE tokens SET used_quota = 100000 WHERE id = $1").execute(Tuple.of(billed)));
    await(rt.pg().preparedQuery("UPDATE users SET used_quota = 250000 WHERE id = $1").execute(Tuple.of(alice)));
    String models = "gpt-4o-mini,text-embedding-3-small,dall-e-3,tts-1,whisper-1,rerank-model";
    chA = RelayFixture.channel(rt, config, 1, "upstream-key-a", upA.baseUrl(), models, "default", 10, 0, "");
    chB = RelayFixture.channel(rt, config, 1, "upstream-key-b", upB.baseUrl(), models, "default", 5, 0, "");
    app = RelayFixture.gateway(rt);
    port = config.get(Settings.PORT);
    web = WebClient.create(fakeVertx);
    raw = fakeVertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    RelayFixture.stop(app, rt);
    if (fakeVertx != null) {
      fakeVertx.close();
    }
  }

  @BeforeEach
  void clear() {
    upA.requests().clear();
    upB.requests().clear();
    upA.streamChunks(FakeOpenAiUpstream.defaultChunks(), 0);
  }

  private static OpenAIClient sdk(String key) {
    return OpenAIOkHttpClient.builder().apiKey(key).baseUrl("http://127.0.0.1:" + port + "/v1").maxRetries(0)
        .timeout(Duration.ofSeconds(20)).build();
  }

  private static ChatCompletionCreateParams chat(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello").build();
  }

  @Test
  void billingDashboardReportsTheTokensFiguresInDollarsAndCents() throws Exception {
    String bearer = "Bearer sk-" + key('h');
    JsonObject sub = await(web.get(port, "127.0.0.1", "/dashboard/billing/subscription")
        .putHeader("Authorization", bearer).send()).bodyAsJsonObject();
    // (remain 400,000 + used 100,000) / QuotaPerUnit 500,000 = $1
    assertThat(sub.getString("object")).isEqualTo("billing_subscription");
    assertThat(sub.getDouble("hard_limit_usd")).isEqualTo(1.0);
    assertThat(sub.getDouble("soft_limit_usd")).isEqualTo(1.0);
    assertThat(sub.getDouble("system_hard_limit_usd")).isEqualTo(1.0);
    assertThat(sub.getLong("access_until")).isEqualTo(1_900_000_000L);
    HttpResponse<Buffer> usage = await(web.get(port, "127.0.0.1", "/v1/dashboard/billing/usage")
        .putHeader("Authorization", bearer).send());
    assertThat(usage.getHeader(RequestIds.HEADER)).isNotBlank();
    assertThat(usage.bodyAsJsonObject().getDouble("total_usage")).isEqualTo(20.0);   // $0.20 in cents
    JsonObject unlimited = await(web.get(port, "127.0.0.1", "/v1/dashboard/billing/subscription")
        .putHeader("Authorization", "Bearer sk-" + key('a')).send()).bodyAsJsonObject();
    assertThat(unlimited.getDouble("hard_limit_usd")).isEqualTo(100_000_000.0);
    HttpResponse<Buffer> anonymous = await(web.get(port, "127.0.0.1", "/dashboard/billing/usage").send());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("missing_api_key");
  }

  @Test
  void billingDashboardReportsTheOwnersFiguresWhenTokenStatsAreOff() throws Exception {
    RelayFixture.option(rt, "DisplayTokenStatEnabled", "false");
    RelayFixture.publish(rt, new ChangeNotice(ChangeNotice.Kind.OPTION, 0));
    try {
      // alice: quota 1,000,000,000 + used 250,000 (One API reported 0 used here, Q16); usage in cents
      double expected = 250_000 / 500_000.0 * 100;
      // The option reaches the node through the change notice (within 1 s): ask until it has.
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
      double seen = ownerUsageCents();
      while (seen != expected && System.nanoTime() < deadline) {
        Thread.sleep(50);
        seen = ownerUsageCents();
      }
      assertThat(seen).isEqualTo(expected);
      JsonObject sub = await(web.get(port, "127.0.0.1", "/dashboard/billing/subscription")
          .putHeader("X-Forwarded-For", "10.77.0.3").putHeader("Authorization", "Bearer sk-" + key('h')).send())
          .bodyAsJsonObject();
      assertThat(sub.getDouble("hard_limit_usd")).isEqualTo((1_000_000_000L + 250_000) / 500_000.0);
    } finally {
      RelayFixture.option(rt, "DisplayTokenStatEnabled", "true");
      RelayFixture.publish(rt, new ChangeNotice(ChangeNotice.Kind.OPTION, 0));
    }
  }

  @Test
  void billingDashboardCountsAgainstTheApiRateLimitPerClientIp() {
    // One client behind the trusted proxy (its own budget of GLOBAL_API_RATE_LIMIT = 30 per 3 minutes).
    int ok = 0;
    HttpResponse<Buffer> last = null;
    for (int i = 0; i < 31; i++) {
      last = await(web.get(port, "127.0.0.1", "/dashboard/billing/usage").putHeader("X-Forwarded-For", "10.77.0.1")
          .putHeader("Authorization", "Bearer sk-" + key('h')).send());
      if (last.statusCode() == 200) {
        ok++;
      }
    }
    assertThat(ok).isEqualTo(30);
    assertThat(last.statusCode()).isEqualTo(429);
    assertThat(last.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("rate_limit_exceeded");
    HttpResponse<Buffer> other = await(web.get(port, "127.0.0.1", "/v1/dashboard/billing/usage")
        .putHeader("X-Forwarded-For", "10.77.0.2").putHeader("Authorization", "Bearer sk-" + key('h')).send());
    assertThat(other.statusCode()).as("another client IP has its own budget").isEqualTo(200);
  }

  private static double ownerUsageCents() {
    return await(web.get(port, "127.0.0.1", "/dashboard/billing/usage").putHeader("X-Forwarded-For", "10.77.0.3")
        .putHeader("Authorization", "Bearer sk-" + key('h')).send()).bodyAsJsonObject().getDouble("total_usage");
  }

  @Test
  void chatCompletionIsRelayedWithTheChannelKeyAndBodyUnchanged() {
    ChatCompletion c = sdk("sk-" + key('a')).chat().completions().create(chat("gpt-4o-mini"));
    assertThat(c.choices().get(0).message().content()).contains("Hello from the fake upstream");
    assertThat(c.usage().get().totalTokens()).isEqualTo(18);
    assertThat(upA.requests()).hasSize(1);
    assertThat(upA.requests().get(0).path()).isEqualTo("/v1/chat/completions");
    assertThat(upA.requests().get(0).headers().get("Authorization")).isEqualTo("Bearer upstream-key-a");
    assertThat(upA.requests().get(0).json().getString("model")).isEqualTo("gpt-4o-mini");
    assertThat(upB.requests()).isEmpty();
  }

  @Test
  void toolCallsComeBack() {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
        .addUserMessage("Weather in Paris?")
        .addFunctionTool(FunctionDefinition.builder().name("get_weather").description("weather").build())
        .build();
    ChatCompletion c = sdk("sk-" + key('a')).chat().completions().create(params);
    var call = c.choices().get(0).message().toolCalls().get().get(0);
    assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
    assertThat(call.asFunction().function().arguments()).contains("Paris");
    assertThat(upA.requests().get(0).json().getJsonArray("tools")).hasSize(1);
  }

  @Test
  void streamingChatReachesTheSdk() {
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream = sdk("sk-" + key('a')).chat().completions()
        .createStreaming(chat("gpt-4o-mini"))) {
      stream.stream().forEach(ch -> ch.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
    }
    assertThat(text.toString()).isEqualTo("Hello world");
  }

  @Test
  void embeddingsImagesAudioAndModels() throws Exception {
    OpenAIClient client = sdk("sk-" + key('a'));
    var emb = client.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-3-small")
        .input("hello").build());
    assertThat(emb.data().get(0).embedding()).hasSize(3);
    var img = client.images().generate(ImageGenerateParams.builder().prompt("a cat").model(ImageModel.DALL_E_3)
        .build());
    assertThat(img.data().get().get(0).url()).contains("https://images.example/fake.png");
    try (com.openai.core.http.HttpResponse speech = client.audio().speech().create(SpeechCreateParams.builder()
        .input("hello").model(SpeechModel.TTS_1).voice("alloy").build())) {
      assertThat(speech.body().readAllBytes()).isEqualTo(FakeOpenAiUpstream.SPEECH_BYTES);
    }
    var transcript = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
        .file(new byte[] {1, 2, 3, 4}).model(AudioModel.WHISPER_1).build());
    assertThat(transcript.asTranscription().text()).isEqualTo("hello from the fake transcription");
    assertThat(upA.requests().get(upA.requests().size() - 1).headers().get("Content-Type"))
        .startsWith("multipart/form-data");
    List<String> ids = new ArrayList<>();
    client.models().list().autoPager().forEach(m -> ids.add(m.id()));
    assertThat(ids).containsExactlyInAnyOrder("gpt-4o-mini", "text-embedding-3-small", "dall-e-3", "tts-1",
        "whisper-1", "rerank-model");
    assertThat(client.models().retrieve("dall-e-3").id()).isEqualTo("dall-e-3");
    assertThatThrownBy(() -> client.models().retrieve("no-such-model")).isInstanceOf(NotFoundException.class);
    var embByPath = web.post(port, "127.0.0.1", "/v1/engines/text-embedding-3-small/embeddings")
        .putHeader("Authorization", "Bearer sk-" + key('a'))
        .sendJsonObject(new JsonObject().put("input", "hi"));
    HttpResponse<Buffer> r = await(embByPath);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(upA.requests().get(upA.requests().size() - 1).json().getString("model"))
        .isEqualTo("text-embedding-3-small");
  }

  @Test
  void rerankInJinaShape() {
    HttpResponse<Buffer> r = await(web.post(port, "127.0.0.1", "/v1/rerank")
        .putHeader("Authorization", "Bearer sk-" + key('a'))
        .sendJsonObject(new JsonObject().put("model", "rerank-model").put("query", "what is a cat")
            .put("documents", new JsonArray().add("a dog").add("a cat is an animal")).put("top_n", 2)));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getInteger("index")).isEqualTo(1);
    assertThat(upA.requests().get(0).path()).isEqualTo("/v1/rerank");
  }

  @Test
  void retriesOnTheSecondChannelAfter500And429() {
    upA.failNext(500, "server_error", null);
    ChatCompletion c = sdk("sk-" + key('a')).chat().completions().create(chat("gpt-4o-mini"));
    assertThat(c.choices().get(0).message().content()).isPresent();
    assertThat(upA.requests()).hasSize(1);
    assertThat(upB.requests()).hasSize(1);
    upA.failNext(429, "rate_limit_error", "rate_limit_exceeded");
    sdk("sk-" + key('a')).chat().completions().create(chat("gpt-4o-mini"));
    assertThat(upA.requests()).hasSize(2);
    assertThat(upB.requests()).hasSize(2);
  }

  @Test
  void aClient400IsNotRetried() {
    upA.failNext(400, "invalid_request_error", "context_length_exceeded");
    assertThatThrownBy(() -> sdk("sk-" + key('a')).chat().completions().create(chat("gpt-4o-mini")))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("fake failure 400");
    assertThat(upA.requests()).hasSize(1);
    assertThat(upB.requests()).isEmpty();
  }

  @Test
  void tokenChecksFailEachWithTheirOwnError() {
    assertThatThrownBy(() -> sdk("sk-" + key('c')).chat().completions().create(chat("gpt-4o-mini")))
        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("expired");
    assertThatThrownBy(() -> sdk("sk-" + key('b')).chat().completions().create(chat("gpt-4o-mini")))
        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("quota is used up");
    assertThatThrownBy(() -> sdk("sk-" + key('d')).chat().completions().create(chat("tts-1")))
        .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("may not use the model tts-1");
    assertThatThrownBy(() -> sdk("sk-" + key('e')).chat().completions().create(chat("gpt-4o-mini")))
        .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("10.9.0.0/16");
    assertThatThrownBy(() -> sdk("sk-" + key('g')).chat().completions().create(chat("gpt-4o-mini")))
        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("disabled");
    assertThatThrownBy(() -> sdk("sk-" + key('z')).chat().completions().create(chat("gpt-4o-mini")))
        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("Invalid API key");
    assertThat(sdk("sk-" + key('d')).chat().completions().create(chat("gpt-4o-mini")).choices()).hasSize(1);
    assertThat(upA.requests()).hasSize(1);
  }

  @Test
  void aPinnedChannelWorksOnlyForAdminTokens() {
    assertThatThrownBy(() -> sdk("sk-" + key('a') + "-" + chB).chat().completions().create(chat("gpt-4o-mini")))
        .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("administrators");
    sdk("sk-" + key('f') + "-" + chB).chat().completions().create(chat("gpt-4o-mini"));
    assertThat(upB.requests()).hasSize(1);
    assertThat(upA.requests()).isEmpty();
  }

  @Test
  void badInputGetsOpenAiShapedErrorsWithARequestId() {
    HttpResponse<Buffer> malformed = await(web.post(port, "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer sk-" + key('a')).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"model\": ")));
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.getHeader("X-Oneapi-Request-Id")).hasSizeGreaterThan(20);
    assertThat(malformed.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("invalid_json");
    HttpResponse<Buffer> unknown = await(web.get(port, "127.0.0.1", "/v1/nope").send());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject().getJsonObject("error").getString("message")).startsWith("Invalid URL (GET /v1/nope)");
    HttpResponse<Buffer> files = await(web.get(port, "127.0.0.1", "/v1/files").send());
    assertThat(files.statusCode()).isEqualTo(501);
    assertThat(files.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("api_not_implemented");
    HttpResponse<Buffer> big = await(web.post(port, "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer sk-" + key('a')).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(new byte[2 * 1024 * 1024])));
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(big.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("request_too_large");
    java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(zipped)) {
      gz.write(new JsonObject().put("model", "gpt-4o-mini").put("messages", new JsonArray()
          .add(new JsonObject().put("role", "user").put("content", "zipped"))).toBuffer().getBytes());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    HttpResponse<Buffer> gzipped = await(web.post(port, "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer sk-" + key('a')).putHeader("Content-Type", "application/json")
        .putHeader("Content-Encoding", "gzip").sendBuffer(Buffer.buffer(zipped.toByteArray())));
    assertThat(gzipped.statusCode()).isEqualTo(200);
    assertThat(upA.requests().get(0).json().getJsonArray("messages").getJsonObject(0).getString("content"))
        .isEqualTo("zipped");
    upA.requests().clear();
    HttpResponse<Buffer> preflight = await(web.request(HttpMethod.OPTIONS, port, "127.0.0.1", "/v1/chat/completions")
        .putHeader("Origin", "https://chat.example").putHeader("Access-Control-Request-Method", "POST").send());
    assertThat(preflight.statusCode()).isBetween(200, 204);
    assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isNotNull();
    assertThat(upA.requests()).isEmpty();
  }

  @Test
  void eachUpstreamChunkReachesTheClientBeforeTheNextIsSentAndBytesAreExact() {
    List<String> chunks = new ArrayList<>(FakeOpenAiUpstream.defaultChunks());
    List<Long> sentAt = new CopyOnWriteArrayList<>();
    upA.replyNext((v, req, body, resp) -> {
      resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
      sendSpaced(v, resp, chunks, 0, sentAt);
    });
    List<Long> receivedAt = new CopyOnWriteArrayList<>();
    List<Integer> receivedLength = new CopyOnWriteArrayList<>();
    Buffer received = Buffer.buffer();
    io.vertx.core.Promise<Void> ended = io.vertx.core.Promise.promise();
    HttpClientResponse resp = await(raw.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port)
            .setHost("127.0.0.1").setURI("/v1/chat/completions")
            .putHeader("Authorization", "Bearer sk-" + key('a')).putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(new JsonObject().put("model", "gpt-4o-mini").put("stream", true)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))
            .toBuffer()))
        .map(response -> {
          response.handler(b -> {
            synchronized (received) {
              received.appendBuffer(b);
              receivedAt.add(System.nanoTime());
              receivedLength.add(received.length());
            }
          });
          response.endHandler(v -> ended.complete());
          return response;
        }));
    await(ended.future());
    assertThat(resp.getHeader("Content-Type")).startsWith("text/event-stream");
    assertThat(received.toString()).isEqualTo(String.join("", chunks));
    int prefix = 0;
    for (int i = 0; i < chunks.size() - 1; i++) {
      prefix += chunks.get(i).length();
      int needed = prefix;
      int firstArrival = -1;
      for (int j = 0; j < receivedLength.size(); j++) {
        if (receivedLength.get(j) >= needed) {
          firstArrival = j;
          break;
        }
      }
      assertThat(receivedAt.get(firstArrival)).as("chunk %d reached the client before chunk %d was sent", i, i + 1)
          .isLessThan(sentAt.get(i + 1));
    }
  }

  private static void sendSpaced(Vertx v, io.vertx.core.http.HttpServerResponse resp, List<String> chunks, int i,
                                 List<Long> sentAt) {
    if (i == chunks.size()) {
      resp.end();
      return;
    }
    sentAt.add(System.nanoTime());
    resp.write(chunks.get(i));
    v.setTimer(150, id -> sendSpaced(v, resp, chunks, i + 1, sentAt));
  }

  @Test
  void doneIsAppendedWhenTheUpstreamOmitsIt() {
    List<String> noDone = FakeOpenAiUpstream.defaultChunks().subList(0, 4);
    upA.streamChunks(noDone, 0);
    String body = streamRaw();
    assertThat(body).isEqualTo(String.join("", noDone) + "data: [DONE]\n\n");
  }

  private String streamRaw() {
    HttpResponse<Buffer> r = await(web.post(port, "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer sk-" + key('a'))
        .sendJsonObject(new JsonObject().put("model", "gpt-4o-mini").put("stream", true)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))));
    return r.bodyAsString();
  }

  @Test
  void clientDisconnectClosesTheUpstreamConnection() throws Exception {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      many.add(FakeOpenAiUpstream.chunk("{\"content\":\"x" + i + "\"}", null));
    }
    upA.streamChunks(many, 100);
    int closedBefore = upA.cutStreams();
    io.vertx.core.Promise<Void> first = io.vertx.core.Promise.promise();
    HttpClient once = fakeVertx.createHttpClient();
    HttpClientResponse resp = await(once.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port)
            .setHost("127.0.0.1").setURI("/v1/chat/completions")
            .putHeader("Authorization", "Bearer sk-" + key('a')).putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(new JsonObject().put("model", "gpt-4o-mini").put("stream", true)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))
            .toBuffer())).map(response -> response.handler(b -> first.tryComplete())));
    await(first.future());
    long closedAt = System.nanoTime();
    await(resp.request().connection().close());
    while (upA.cutStreams() == closedBefore && System.nanoTime() - closedAt < 3_000_000_000L) {
      Thread.sleep(20);
    }
    assertThat(upA.cutStreams()).as("upstream stream cut after the client left").isGreaterThan(closedBefore);
    assertThat((System.nanoTime() - closedAt) / 1_000_000).as("ms until the upstream was reset").isLessThan(1000);
  }

  @Test
  void aClientLeavingBeforeTheUpstreamAnswersResetsTheUpstreamRequest() throws Exception {
    java.util.concurrent.atomic.AtomicLong upstreamClosedAt = new java.util.concurrent.atomic.AtomicLong();
    io.vertx.core.Promise<Void> upstreamGotIt = io.vertx.core.Promise.promise();
    upA.replyNext((v, req, body, resp) -> {
      resp.closeHandler(x -> upstreamClosedAt.compareAndSet(0, System.nanoTime()));
      upstreamGotIt.tryComplete();
      v.setTimer(1800, id -> {
        if (!resp.closed()) {
          resp.putHeader("Content-Type", "application/json").end("{}");
        }
      });
    });
    HttpClient once = fakeVertx.createHttpClient();
    var request = await(once.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port)
        .setHost("127.0.0.1").setURI("/v1/chat/completions")
        .putHeader("Authorization", "Bearer sk-" + key('a')).putHeader("Content-Type", "application/json")));
    request.send(new JsonObject().put("model", "gpt-4o-mini")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))).toBuffer());
    await(upstreamGotIt.future());
    long leftAt = System.nanoTime();
    await(request.connection().close());
    while (upstreamClosedAt.get() == 0 && System.nanoTime() - leftAt < 3_000_000_000L) {
      Thread.sleep(20);
    }
    assertThat(upstreamClosedAt.get()).as("upstream request reset").isPositive();
    assertThat((upstreamClosedAt.get() - leftAt) / 1_000_000).as("ms until the upstream was reset").isLessThan(1000);
    once.close();
  }

  @Test
  void everyRequestEmitsAUsageEventAndEveryAttemptAnOutcome() {
    upA.failNext(500, "server_error", null);
    HttpResponse<Buffer> r = await(web.post(port, "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer sk-" + key('a'))
        .sendJsonObject(new JsonObject().put("model", "gpt-4o-mini")
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))));
    assertThat(r.statusCode()).isEqualTo(200);
    String requestId = r.getHeader("X-Oneapi-Request-Id");
    Topics topics = Topics.of(config);
    List<UsageEvent> usage = new ArrayList<>();
    List<AttemptOutcome> attempts = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer()) {
      consumer.subscribe(List.of(topics.usage(), topics.attempts()));
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline && (usage.isEmpty() || attempts.size() < 2)) {
        for (var rec : consumer.poll(Duration.ofMillis(300))) {
          if (rec.topic().equals(topics.usage())) {
            UsageEvent e = UsageEvent.decode(rec.value());
            if (e.requestId().equals(requestId)) {
              usage.add(e);
            }
          } else {
            AttemptOutcome o = AttemptOutcome.decode(rec.value());
            if (o.requestId().equals(requestId)) {
              attempts.add(o);
            }
          }
        }
      }
    }
    assertThat(usage).hasSize(1);
    assertThat(usage.get(0).channelId()).isEqualTo(chB);
    assertThat(usage.get(0).promptTokens()).isEqualTo(11);
    assertThat(usage.get(0).completionTokens()).isEqualTo(7);
    assertThat(usage.get(0).quota()).isPositive();
    assertThat(usage.get(0).status()).isEqualTo("success");
    attempts.sort(java.util.Comparator.comparing(AttemptOutcome::attemptId)); // topic is keyed by channel: no global order
    assertThat(attempts).extracting(AttemptOutcome::channelId).containsExactly(chA, chB);
    assertThat(attempts.get(0).failureClass()).isEqualTo(io.onegate.common.error.FailureClass.TRANSIENT);
    assertThat(attempts.get(1).success()).isTrue();
  }

  private static HttpClientResponse openStream(HttpClient client, io.vertx.core.Handler<Buffer> onData,
                                               io.vertx.core.Promise<Void> ended) {
    return await(client.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port)
            .setHost("127.0.0.1").setURI("/v1/chat/completions")
            .putHeader("Authorization", "Bearer sk-" + key('a')).putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(new JsonObject().put("model", "gpt-4o-mini").put("stream", true)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))
            .toBuffer()))
        .map(response -> {
          response.handler(onData);
          response.endHandler(v -> ended.tryComplete());
          response.exceptionHandler(err -> ended.tryComplete());
          return response;
        }));
  }

  @Test
  void streamBillingChargesWhatWasDeliveredAndNothingWhenNothingWas() throws Exception {
    // 1. Client leaves after the first chunk: billed on prompt estimate + delivered text (no usage chunk arrived).
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add(FakeOpenAiUpstream.chunk("{\"content\":\"word" + i + " \"}", null));
    }
    upA.streamChunks(many, 100);
    HttpClient once = fakeVertx.createHttpClient();
    io.vertx.core.Promise<Void> first = io.vertx.core.Promise.promise();
    HttpClientResponse aborted = openStream(once, b -> first.tryComplete(), io.vertx.core.Promise.promise());
    await(first.future());
    await(aborted.request().connection().close());
    String abortedId = aborted.getHeader("X-Oneapi-Request-Id");
    // 2. The upstream goes silent after one chunk: cut by STREAM_IDLE_TIMEOUT, error event, no [DONE], billed.
    upA.replyNext((v, req, body, resp) -> resp.setChunked(true).putHeader("Content-Type", "text/event-stream")
        .write(FakeOpenAiUpstream.chunk("{\"content\":\"partial answer\"}", null)));
    Buffer cutBody = Buffer.buffer();
    io.vertx.core.Promise<Void> cutEnded = io.vertx.core.Promise.promise();
    HttpClientResponse cut = openStream(raw, b -> {
      synchronized (cutBody) {
        cutBody.appendBuffer(b);
      }
    }, cutEnded);
    await(cutEnded.future());
    assertThat(cutBody.toString()).contains("partial answer").contains("upstream_timeout").doesNotContain("[DONE]");
    String cutId = cut.getHeader("X-Oneapi-Request-Id");
    // 3. Both channels fail before any byte: nothing delivered, nothing billed.
    upA.failNext(503, "server_error", null);
    upB.failNext(503, "server_error", null);
    HttpResponse<Buffer> failed = await(web.post(port, "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer sk-" + key('a'))
        .sendJsonObject(new JsonObject().put("model", "gpt-4o-mini").put("stream", true)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))));
    assertThat(failed.statusCode()).isEqualTo(503);
    String failedId = failed.getHeader("X-Oneapi-Request-Id");

    Map<String, UsageEvent> events;
    try (UsageTopic usage = UsageTopic.open(config)) {
      events = usage.events(List.of(abortedId, cutId, failedId));
    }
    assertThat(events.get(abortedId).status()).isEqualTo("client_aborted");
    assertThat(events.get(abortedId).completionTokens()).isPositive();
    assertThat(events.get(abortedId).quota()).isPositive();
    assertThat(events.get(cutId).completionTokens()).isPositive();
    assertThat(events.get(cutId).quota()).isPositive();
    assertThat(events.get(failedId).status()).isEqualTo("failed");
    assertThat(events.get(failedId).quota()).isZero();
    assertThat(events.get(failedId).promptTokens()).isZero();
  }

  static KafkaConsumer<String, String> consumer() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(Settings.KAFKA_BOOTSTRAP_SERVERS));
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "relay-test-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }
}
