package io.onegate.providers.contract;

import io.onegate.testkit.fake.FakeServer.Call;
import io.onegate.testkit.fake.FakeServer.Answer;
import static org.assertj.core.api.Assertions.assertThat;
import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.Framing;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.UpstreamRequest;
import io.onegate.providers.spi.Usage;
import io.onegate.providers.sse.NdjsonParser;
import io.onegate.providers.sse.SseEvent;
import io.onegate.providers.sse.SseParser;
import io.onegate.providers.support.TranslationEnv;
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
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What every provider's contract test supplies (the adaptor, its cassettes, the expected translations and the
 * request checks) and the helpers the contract uses: channels, attempt specs, cassette loading, stream runs
 * through the real SSE/NDJSON parsers, and the fake upstream's routing (including a credential exchange).
 */
public abstract class AdaptorFixtures extends FakeUpstream {
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
    return io.onegate.testkit.fake.Cassettes.load(provider(), name);
  }


  protected String streamCassetteName() {
    return adaptor().framing(chatSpec(true)) == Framing.NDJSON ? "chat-stream.ndjson" : "chat-stream.sse";
  }

  /** Runs bytes (already split into chunks) through the framing parser and a fresh translator. */
  protected StreamRun runStream(List<Buffer> chunks, boolean endNormally) {
    return runStream(chatSpec(true), chunks, endNormally);
  }

  /** Runs bytes through the framing parser and a fresh translator for {@code spec}. */
  protected StreamRun runStream(AttemptSpec spec, List<Buffer> chunks, boolean endNormally) {
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

  // ---------------------------------------------------------------- fake upstream routing

  /** Checks what the fake received for a chat: auth header, path, query and body shape. */
  protected abstract void verifyUpstreamCall(Call call, boolean stream);

  /** Checks what the fake received for an embeddings request (only called when embeddings are supported). */
  protected void verifyEmbeddingCall(Call call) {
  }

  /** The fake's answer to the credential exchange (token dialects only). */
  protected Answer credentialAnswer() {
    return null;
  }

  private volatile String credentialPath;

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
    List<Call> relayed = calls().stream().filter(c -> !c.path().equals(credentialPath)).toList();
    assertThat(relayed).isNotEmpty();
    return relayed.get(relayed.size() - 1);
  }

  protected String streamContentType() {
    return adaptor().framing(chatSpec(true)) == Framing.NDJSON ? "application/x-ndjson" : "text/event-stream";
  }
}
