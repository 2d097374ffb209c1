package io.onegate.providers.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.UpstreamRequest;
import io.onegate.providers.sse.SseEvent;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The compatibility kit every provider adaptor's test extends (Micrometer's *CompatibilityKit idea): pure
 * translation checks driven by cassettes under {@code src/test/resources/cassettes/<provider>/}, written from the
 * provider's public API documentation (see the README there), plus the fake-upstream round trips of
 * {@link FakeUpstreamRoundTrips}. Hooks and helpers live in {@link AdaptorFixtures}.
 */
public abstract class ProviderAdaptorContract extends FakeUpstreamRoundTrips {


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
  void sendsTheUsageChunkOnlyWhenTheClientAskedForIt() {
    AttemptSpec unasked = new AttemptSpec(channel(PURE_BASE_URL), Endpoint.CHAT_COMPLETIONS, model(), model(), true,
        false);
    StreamRun run = runStream(unasked, List.of(cassette(streamCassetteName())), true);
    assertThat(run.chunks()).isNotEmpty().allSatisfy(c -> {
      assertThat(c.getJsonArray("choices")).isNotEmpty();
      assertThat(c.containsKey("usage")).isFalse();
    });
    assertThat(run.content()).isEqualTo(stream().text());
    assertUsage(run.translator().usage(), stream().promptTokens(), stream().completionTokens()); // still billed
    StreamRun asked = runStream(List.of(cassette(streamCassetteName())), true);
    assertThat(asked.sse()).startsWith(run.sse());
    assertThat(asked.chunks()).hasSize(run.chunks().size() + 1);
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
  void reportsTheWaitAnUpstreamAsksForWithItsError() {
    ErrorCase limited = errorCases().stream().filter(c -> c.status() == 429).findFirst().orElseThrow();
    Buffer body = cassette(limited.cassette());
    assertThat(adaptor().classify(429, MultiMap.caseInsensitiveMultiMap().add("Retry-After", "20"), body)
        .retryAfterMillis()).as("retry-after in seconds").isEqualTo(20_000);
    assertThat(adaptor().classify(429, MultiMap.caseInsensitiveMultiMap().add("retry-after-ms", "1500")
        .add("retry-after", "2"), body).retryAfterMillis()).as("retry-after-ms wins").isEqualTo(1_500);
    assertThat(adaptor().classify(429, MultiMap.caseInsensitiveMultiMap().add("Retry-After", "0.25"), body)
        .retryAfterMillis()).as("fractional seconds").isEqualTo(250);
    for (String unreadable : List.of("Wed, 21 Oct 2015 07:28:00 GMT", "-3", "soon", "")) {
      assertThat(adaptor().classify(429, MultiMap.caseInsensitiveMultiMap().add("Retry-After", unreadable), body)
          .retryAfterMillis()).as("'%s' is not read", unreadable).isZero();
    }
    assertThat(adaptor().classify(429, MultiMap.caseInsensitiveMultiMap(), body).retryAfterMillis()).isZero();
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
}
