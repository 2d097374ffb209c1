package io.onegate.providers.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.Framing;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.UpstreamRequest;
import io.onegate.providers.spi.Usage;
import io.onegate.providers.sse.NdjsonParser;
import io.onegate.providers.sse.SseEvent;
import io.onegate.providers.sse.SseParser;
import io.onegate.providers.support.TranslationEnv;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.onegate.providers.spi.CredentialSource;
import java.io.IOException;
import java.net.URI;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The compatibility kit every provider adaptor's test extends (Micrometer's *CompatibilityKit idea): pure
 * translation checks driven by cassettes under {@code src/test/resources/cassettes/<provider>/}, written from the
 * provider's public API documentation (see the README there), plus fake-upstream round trips through a real
 * Vert.x HTTP server on 127.0.0.1 (see {@link FakeUpstream}) that check the auth header, URL and body the adaptor
 * produces and answer in the provider's wire format.
 */
public abstract class ProviderAdaptorContract extends FakeUpstream {
  /** Fixed clock and ids: translation output is deterministic, so re-split runs can be compared byte for byte. */
  public static final TranslationEnv ENV = new TranslationEnv(
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), () -> "test0001");
  protected static final String PURE_BASE_URL = "http://upstream.invalid";

  /** What a cassette must translate to. */
  public record Expected(String text, long promptTokens, long completionTokens, String finishReason) {
  }

  /** An upstream error answer and the class it must get. */
  public record ErrorCase(int status, String cassette, FailureClass expected) {
  }

  /** The adaptor under test, built with {@link #ENV}. */
  protected abstract ProviderAdaptor adaptor();

  protected abstract int channelType();

  /** Directory under {@code cassettes/}. */
  protected abstract String provider();

  /** A model the provider serves, used in requests. */
  protected abstract String model();

  /** Translation of {@code chat.json}. */
  protected abstract Expected chat();

  /** Translation of {@code chat-stream.sse} / {@code chat-stream.ndjson}. */
  protected abstract Expected stream();

  /** Must cover 400, 401, 403, 404, 429 and a 5xx. */
  protected abstract List<ErrorCase> errorCases();

  /** Checks the upstream request for a one-message chat ({@code Hello}) with model {@link #model()}. */
  protected abstract void verifyMinimalRequest(UpstreamRequest request, JsonObject body, boolean stream);

  protected String key() {
    return "test-key-0123456789";
  }

  protected Map<String, String> channelConfig() {
    return Map.of();
  }

  /** The credential handed to {@code request}: the key, or the exchanged credential for token dialects. */
  protected String credential() {
    return key();
  }

  /** The model a channel's mapping sends upstream in the model-override test. */
  protected String overrideModel() {
    return model() + "-mapped";
  }

  /** Number of vectors in {@code embeddings.json} (for adaptors that support embeddings). */
  protected int expectedEmbeddings() {
    return 2;
  }

  protected String embeddingModel() {
    return model();
  }

  // ---------------------------------------------------------------- helpers for subclasses

  protected Channel channel(String baseUrl) {
    return new Channel(1, channelType(), key(), 1, "test", 1, baseUrl, List.of(model()), List.of("default"),
        Map.of(), 0, channelConfig(), "", "");
  }

  protected AttemptSpec spec(String baseUrl, Endpoint endpoint, String requested, String upstream, boolean stream) {
    return new AttemptSpec(channel(baseUrl), endpoint, requested, upstream, stream);
  }

  protected AttemptSpec chatSpec(boolean stream) {
    return spec(PURE_BASE_URL, Endpoint.CHAT_COMPLETIONS, model(), model(), stream);
  }

  protected static ClientRequest client(JsonObject json) {
    return new ClientRequest(json.toBuffer(), "application/json", json);
  }

  protected JsonObject minimalChat(boolean stream) {
    JsonObject json = new JsonObject().put("model", model()).put("messages",
        new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hello")));
    return stream ? json.put("stream", true) : json;
  }

  protected Buffer cassette(String name) {
    String path = "/cassettes/" + provider() + "/" + name;
    try (InputStream in = getClass().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing cassette " + path);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected String streamCassetteName() {
    return adaptor().framing(chatSpec(true)) == Framing.NDJSON ? "chat-stream.ndjson" : "chat-stream.sse";
  }

  /** Runs bytes (already split into chunks) through the framing parser and a fresh translator. */
  protected StreamRun runStream(List<Buffer> chunks, boolean endNormally) {
    AttemptSpec spec = chatSpec(true);
    StreamTranslator translator = adaptor().streamTranslator(spec);
    StringBuilder out = new StringBuilder();
    Consumer<SseEvent> sink = event -> translator.onFrame(event).forEach(b -> out.append(b.toString()));
    if (adaptor().framing(spec) == Framing.NDJSON) {
      NdjsonParser parser = new NdjsonParser(sink, 1 << 20);
      chunks.forEach(parser::feed);
      parser.end();
    } else {
      SseParser parser = new SseParser(sink, 1 << 20);
      chunks.forEach(parser::feed);
      parser.end();
    }
    if (endNormally) {
      translator.onEnd().forEach(b -> out.append(b.toString()));
    }
    return new StreamRun(out.toString(), translator);
  }

  /** Client output of one stream run. */
  public record StreamRun(String sse, StreamTranslator translator) {
    /** The data payloads as JSON objects (every event must be a {@code data: <json>} event). */
    public List<JsonObject> chunks() {
      List<JsonObject> chunks = new ArrayList<>();
      for (String event : sse.split("\n\n")) {
        if (event.isEmpty()) {
          continue;
        }
        assertThat(event).startsWith("data: ");
        chunks.add(new JsonObject(event.substring(6)));
      }
      return chunks;
    }

    public String content() {
      return chunks().stream().map(c -> c.getJsonArray("choices", new JsonArray()))
          .flatMap(a -> a.stream().map(JsonObject.class::cast))
          .map(choice -> choice.getJsonObject("delta", new JsonObject()).getString("content", ""))
          .collect(Collectors.joining());
    }
  }

  static void assertUsage(Usage usage, long prompt, long completion) {
    assertThat(usage.source()).isEqualTo(Usage.Source.REPORTED);
    assertThat(usage.promptTokens()).isEqualTo(prompt);
    assertThat(usage.completionTokens()).isEqualTo(completion);
  }

  // ---------------------------------------------------------------- the contract

  @Test
  void translatesAMinimalChatRequest() {
    for (boolean stream : new boolean[] {false, true}) {
      UpstreamRequest request = adaptor().request(chatSpec(stream), client(minimalChat(stream)), credential());
      assertThat(request.url()).startsWith(PURE_BASE_URL + "/");
      JsonObject body = request.body() == null || request.body().length() == 0 ? new JsonObject()
          : new JsonObject(request.body());
      assertThat(request.toString()).doesNotContain(credential());
      verifyMinimalRequest(request, body, stream);
    }
  }

  @Test
  void sendsTheChannelsMappedModelUpstream() {
    AttemptSpec spec = spec(PURE_BASE_URL, Endpoint.CHAT_COMPLETIONS, "client-alias", overrideModel(), false);
    JsonObject json = minimalChat(false).put("model", "client-alias");
    UpstreamRequest request = adaptor().request(spec, client(json), credential());
    String wire = request.url() + " " + request.body();
    assertThat(wire).contains(overrideModel()).doesNotContain("client-alias");
  }

  @Test
  void translatesANonStreamResponseWithUsage() {
    AttemptSpec spec = chatSpec(false);
    Buffer upstream = cassette("chat.json");
    assertThat(adaptor().failureInBody(spec, upstream)).isNull();
    Buffer translated = adaptor().response(spec, upstream);
    JsonObject body = new JsonObject(translated);
    assertThat(body.getString("object")).isEqualTo("chat.completion");
    assertThat(body.getString("id")).isNotBlank();
    JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getJsonObject("message").getString("role")).isEqualTo("assistant");
    assertThat(choice.getJsonObject("message").getString("content")).isEqualTo(chat().text());
    assertThat(choice.getString("finish_reason")).isEqualTo(chat().finishReason());
    assertUsage(adaptor().usage(spec, translated), chat().promptTokens(), chat().completionTokens());
  }

  @Test
  void translatesAStreamIntoOrderedDeltasAndAFinalUsageChunk() {
    StreamRun run = runStream(List.of(cassette(streamCassetteName())), true);
    List<JsonObject> chunks = run.chunks();
    assertThat(chunks).isNotEmpty().allSatisfy(c -> {
      assertThat(c.getString("object")).isEqualTo("chat.completion.chunk");
      assertThat(c.getString("id")).isEqualTo(chunks.get(0).getString("id"));
    });
    assertThat(chunks.get(0).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"))
        .isEqualTo("assistant");
    assertThat(run.content()).isEqualTo(stream().text());
    List<String> finishes = chunks.stream().flatMap(c -> c.getJsonArray("choices").stream())
        .map(JsonObject.class::cast).map(c -> c.getString("finish_reason")).filter(f -> f != null).toList();
    assertThat(finishes).containsExactly(stream().finishReason());
    JsonObject last = chunks.get(chunks.size() - 1);
    assertThat(last.getJsonArray("choices")).isEmpty();
    assertThat(last.getJsonObject("usage").getLong("prompt_tokens")).isEqualTo(stream().promptTokens());
    assertThat(last.getJsonObject("usage").getLong("completion_tokens")).isEqualTo(stream().completionTokens());
    assertThat(last.getJsonObject("usage").getLong("total_tokens"))
        .isEqualTo(stream().promptTokens() + stream().completionTokens());
    assertUsage(run.translator().usage(), stream().promptTokens(), stream().completionTokens());
    assertThat(run.translator().deliveredText().toString()).contains(stream().text());
    assertThat(run.translator().failure()).isNull();
  }

  @Test
  void givesIdenticalOutputWhenTheStreamIsSplitAtEveryByteBoundary() {
    byte[] bytes = cassette(streamCassetteName()).getBytes();
    String whole = runStream(List.of(Buffer.buffer(bytes)), true).sse();
    for (int i = 1; i < bytes.length; i++) {
      Buffer head = Buffer.buffer(java.util.Arrays.copyOfRange(bytes, 0, i));
      Buffer tail = Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, bytes.length));
      assertThat(runStream(List.of(head, tail), true).sse()).as("split at byte %d", i).isEqualTo(whole);
    }
    List<Buffer> single = new ArrayList<>();
    for (byte b : bytes) {
      single.add(Buffer.buffer(new byte[] {b}));
    }
    assertThat(runStream(single, true).sse()).as("one byte at a time").isEqualTo(whole);
  }

  @Test
  void endsAStreamCutAtAnyByteWithoutThrowing() {
    byte[] bytes = cassette(streamCassetteName()).getBytes();
    for (int i = 0; i < bytes.length; i++) {
      Buffer prefix = Buffer.buffer(java.util.Arrays.copyOfRange(bytes, 0, i));
      int cut = i;
      assertThatCode(() -> {
        StreamRun normal = runStream(List.of(prefix), true);
        normal.chunks(); // every emitted event is a complete data event with JSON
        assertThat(normal.translator().usage()).isNotNull();
        runStream(List.of(prefix), false).chunks();
      }).as("cut at byte %d", cut).doesNotThrowAnyException();
    }
  }

  @Test
  void classifiesUpstreamErrorsFromStatusAndStructuredFields() {
    Set<Integer> statuses = errorCases().stream().map(ErrorCase::status).collect(Collectors.toSet());
    assertThat(statuses).contains(400, 401, 403, 404, 429);
    assertThat(statuses).anyMatch(s -> s >= 500);
    for (ErrorCase c : errorCases()) {
      UpstreamFailure failure = adaptor().classify(c.status(), MultiMap.caseInsensitiveMultiMap(),
          cassette(c.cassette()));
      assertThat(failure.failureClass()).as("%s (%d)", c.cassette(), c.status()).isEqualTo(c.expected());
      if (c.status() >= 400) {
        assertThat(failure.httpStatus()).isEqualTo(c.status());
      } else {
        assertThat(failure.httpStatus()).isGreaterThanOrEqualTo(400); // an error carried in a 2xx body
      }
      assertThat(failure.clientError().getString("message")).isNotBlank();
      assertThat(failure.clientError().getString("type")).isNotBlank();
      assertThat(failure.clientError().containsKey("param")).isTrue();
      assertThat(failure.clientError().containsKey("code")).isTrue();
    }
  }

  @Test
  void malformedFramesAndBodiesDoNotThrow() {
    StreamTranslator translator = adaptor().streamTranslator(chatSpec(true));
    List<String> garbage = new ArrayList<>(List.of("not json", "{}", "[]", "null", "42", "\"text\"",
        "{\"choices\":7}", "{\"type\":7}", "{\"type\":\"content_block_delta\",\"delta\":[]}",
        "{\"candidates\":[{\"content\":{\"parts\":[7]}}]}", "{\"message\":\"x\"}", "{\"output\":[]}",
        "{\"result\":7,\"is_end\":\"yes\"}", "{\"usage\":{\"input_tokens\":-5}}", "{\"error\":\"boom\"}"));
    String stream = cassette(streamCassetteName()).toString();
    for (String line : stream.split("\n")) {
      String data = line.startsWith("data:") ? line.substring(5).strip() : line.strip();
      for (int cut = 1; cut < data.length(); cut += 3) {
        garbage.add(data.substring(0, cut));
      }
    }
    assertThatCode(() -> {
      for (String data : garbage) {
        translator.onFrame(SseEvent.data(data));
        translator.onFrame(new SseEvent("message_delta", data, null));
      }
      translator.onEnd();
      translator.usage();
    }).doesNotThrowAnyException();
    for (String body : List.of("", "<html>bad gateway</html>", "[]", "{\"error\":42}", "{\"error\":{\"type\":7}}",
        "{\"error_code\":\"x\"}", "[{\"error\":{\"code\":\"x\"}}]", "null")) {
      for (int status : new int[] {200, 400, 500}) {
        assertThatCode(() -> {
          UpstreamFailure failure = adaptor().classify(status, MultiMap.caseInsensitiveMultiMap(),
              Buffer.buffer(body));
          assertThat(failure.clientError().getString("message")).isNotBlank();
          adaptor().failureInBody(chatSpec(false), Buffer.buffer(body));
          adaptor().response(chatSpec(false), Buffer.buffer(body));
        }).as("body %s status %d", body, status).doesNotThrowAnyException();
      }
    }
  }

  @Test
  void servesEmbeddingsWhenTheProviderHasThem() {
    if (!adaptor().supports(Endpoint.EMBEDDINGS)) {
      return;
    }
    AttemptSpec spec = spec(PURE_BASE_URL, Endpoint.EMBEDDINGS, embeddingModel(), embeddingModel(), false);
    JsonObject json = new JsonObject().put("model", embeddingModel()).put("input", new JsonArray().add("a").add("b"));
    UpstreamRequest request = adaptor().request(spec, client(json), credential());
    assertThat(request.url()).startsWith(PURE_BASE_URL + "/");
    Buffer upstream = cassette("embeddings.json");
    assertThat(adaptor().failureInBody(spec, upstream)).isNull();
    JsonObject body = new JsonObject(adaptor().response(spec, upstream));
    assertThat(body.getString("object")).isEqualTo("list");
    assertThat(body.getJsonArray("data")).hasSize(expectedEmbeddings());
    for (int i = 0; i < expectedEmbeddings(); i++) {
      JsonObject item = body.getJsonArray("data").getJsonObject(i);
      assertThat(item.getInteger("index")).isEqualTo(i);
      assertThat(item.getString("object")).isEqualTo("embedding");
      assertThat(item.getJsonArray("embedding")).isNotEmpty();
    }
    assertThat(body.getJsonObject("usage")).isNotNull();
  }

  @Test
  void listsDefaultModels() {
    assertThat(adaptor().defaultModels()).isNotEmpty().doesNotHaveDuplicates().allMatch(m -> !m.isBlank());
    assertThat(adaptor().name()).isNotBlank();
    assertThat(adaptor().passThrough(chatSpec(false))).isFalse();
    assertThat(adaptor().supports(Endpoint.CHAT_COMPLETIONS)).isTrue();
  }

  @Test
  void theOfficialOpenAiSdkAcceptsEveryTranslatedBody() throws Exception {
    var mapper = com.openai.core.ObjectMappers.jsonMapper();
    String completion = adaptor().response(chatSpec(false), cassette("chat.json")).toString();
    var parsed = mapper.readValue(completion, com.openai.models.chat.completions.ChatCompletion.class);
    parsed.validate();
    assertThat(parsed.choices().get(0).message().content()).contains(chat().text());
    assertThat(parsed.usage().orElseThrow().totalTokens()).isEqualTo(chat().promptTokens() + chat().completionTokens());
    StreamRun run = runStream(List.of(cassette(streamCassetteName())), true);
    StringBuilder text = new StringBuilder();
    for (JsonObject chunk : run.chunks()) {
      var parsedChunk = mapper.readValue(chunk.encode(), com.openai.models.chat.completions.ChatCompletionChunk.class);
      parsedChunk.validate();
      parsedChunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
      parsedChunk.usage().ifPresent(u -> assertThat(u.completionTokens()).isEqualTo(stream().completionTokens()));
    }
    assertThat(text.toString()).isEqualTo(stream().text());
    if (adaptor().supports(Endpoint.EMBEDDINGS)) {
      AttemptSpec spec = spec(PURE_BASE_URL, Endpoint.EMBEDDINGS, embeddingModel(), embeddingModel(), false);
      String embeddings = adaptor().response(spec, cassette("embeddings.json")).toString();
      var parsedEmbeddings = mapper.readValue(embeddings, com.openai.models.embeddings.CreateEmbeddingResponse.class);
      parsedEmbeddings.validate();
      assertThat(parsedEmbeddings.data()).hasSize(expectedEmbeddings());
    }
  }

  // ---------------------------------------------------------------- fake upstream round trips

  /** Checks what the fake received for a chat: auth header, path, query and body shape. */
  protected abstract void verifyUpstreamCall(Call call, boolean stream);

  /** Checks what the fake received for an embeddings request (only called when embeddings are supported). */
  protected void verifyEmbeddingCall(Call call) {
  }

  /** The fake's answer to the credential exchange (token dialects only). */
  protected Answer credentialAnswer() {
    return null;
  }

  private String credentialPath;

  protected String resolveCredential(Channel channel) throws Exception {
    CredentialSource source = adaptor().credentialSource();
    if (source == null) {
      return channel.key();
    }
    UpstreamRequest exchange = source.exchangeRequest(channel);
    if (exchange == null) {
      return source.local(channel, ENV.clock().instant()).value();
    }
    credentialPath = URI.create(exchange.url()).getPath();
    Received answer = send(exchange);
    return source.parse(channel, answer.status(), answer.body(), ENV.clock().instant()).value();
  }

  protected void routeTo(Answer main) {
    Answer credential = credentialAnswer();
    route = call -> credential != null && call.path().equals(credentialPath) ? credential : main;
  }

  protected Call lastCall() {
    List<Call> relayed = calls.stream().filter(c -> !c.path().equals(credentialPath)).toList();
    assertThat(relayed).isNotEmpty();
    return relayed.get(relayed.size() - 1);
  }

  private String streamContentType() {
    return adaptor().framing(chatSpec(true)) == Framing.NDJSON ? "application/x-ndjson" : "text/event-stream";
  }

  @Test
  void fakeUpstreamAnswersAChatCompletion() throws Exception {
    AttemptSpec spec = spec(fakeBaseUrl(), Endpoint.CHAT_COMPLETIONS, model(), model(), false);
    routeTo(Answer.chunked(200, "application/json", cassette("chat.json"), 3));
    String credential = resolveCredential(spec.channel());
    Received received = send(adaptor().request(spec, client(minimalChat(false)), credential));
    assertThat(received.status()).isEqualTo(200);
    verifyUpstreamCall(lastCall(), false);
    assertThat(adaptor().failureInBody(spec, received.body())).isNull();
    JsonObject body = new JsonObject(adaptor().response(spec, received.body()));
    assertThat(body.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
        .isEqualTo(chat().text());
    assertUsage(adaptor().usage(spec, body.toBuffer()), chat().promptTokens(), chat().completionTokens());
  }

  @Test
  void fakeUpstreamStreamsAChatCompletion() throws Exception {
    AttemptSpec spec = spec(fakeBaseUrl(), Endpoint.CHAT_COMPLETIONS, model(), model(), true);
    routeTo(Answer.chunked(200, streamContentType(), cassette(streamCassetteName()), 7));
    String credential = resolveCredential(spec.channel());
    StreamTranslator translator = adaptor().streamTranslator(spec);
    StringBuilder out = new StringBuilder();
    Consumer<SseEvent> sink = event -> translator.onFrame(event).forEach(b -> out.append(b.toString()));
    Consumer<Buffer> feed;
    Runnable end;
    if (adaptor().framing(spec) == Framing.NDJSON) {
      NdjsonParser parser = new NdjsonParser(sink, 1 << 20);
      feed = parser::feed;
      end = parser::end;
    } else {
      SseParser parser = new SseParser(sink, 1 << 20);
      feed = parser::feed;
      end = parser::end;
    }
    Received received = exchange(adaptor().request(spec, client(minimalChat(true)), credential), feed);
    end.run();
    translator.onEnd().forEach(b -> out.append(b.toString()));
    assertThat(received.status()).isEqualTo(200);
    assertThat(received.headers().get("content-type")).isEqualTo(streamContentType());
    verifyUpstreamCall(lastCall(), true);
    StreamRun run = new StreamRun(out.toString(), translator);
    assertThat(run.content()).isEqualTo(stream().text());
    assertUsage(translator.usage(), stream().promptTokens(), stream().completionTokens());
    assertThat(out.toString()).isEqualTo(runStream(List.of(cassette(streamCassetteName())), true).sse());
  }

  @Test
  void fakeUpstreamDeadKeyAnswerIsClassified() throws Exception {
    ErrorCase deadKey = errorCases().stream().filter(c -> c.expected() == FailureClass.INVALID_KEY).findFirst()
        .orElseThrow();
    AttemptSpec spec = spec(fakeBaseUrl(), Endpoint.CHAT_COMPLETIONS, model(), model(), false);
    routeTo(Answer.of(deadKey.status(), "application/json", cassette(deadKey.cassette())));
    String credential = resolveCredential(spec.channel());
    Received received = send(adaptor().request(spec, client(minimalChat(false)), credential));
    assertThat(received.status()).isEqualTo(deadKey.status());
    UpstreamFailure failure = received.status() >= 400
        ? adaptor().classify(received.status(), received.headers(), received.body())
        : adaptor().failureInBody(spec, received.body());
    assertThat(failure).isNotNull();
    assertThat(failure.failureClass()).isEqualTo(FailureClass.INVALID_KEY);
    assertThat(failure.clientError().encode()).doesNotContain(credential);
  }

  @Test
  void fakeUpstreamAnswersEmbeddings() throws Exception {
    if (!adaptor().supports(Endpoint.EMBEDDINGS)) {
      return;
    }
    AttemptSpec spec = spec(fakeBaseUrl(), Endpoint.EMBEDDINGS, embeddingModel(), embeddingModel(), false);
    routeTo(Answer.chunked(200, "application/json", cassette("embeddings.json"), 2));
    String credential = resolveCredential(spec.channel());
    JsonObject json = new JsonObject().put("model", embeddingModel()).put("input", new JsonArray().add("a").add("b"));
    Received received = send(adaptor().request(spec, client(json), credential));
    assertThat(received.status()).isEqualTo(200);
    verifyEmbeddingCall(lastCall());
    JsonObject body = new JsonObject(adaptor().response(spec, received.body()));
    assertThat(body.getJsonArray("data")).hasSize(expectedEmbeddings());
  }
}
