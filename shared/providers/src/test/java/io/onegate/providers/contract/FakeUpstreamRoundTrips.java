package io.onegate.providers.contract;

import io.onegate.testkit.fake.FakeServer.Answer;
import static org.assertj.core.api.Assertions.assertThat;
import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.Framing;
import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.sse.NdjsonParser;
import io.onegate.providers.sse.SseEvent;
import io.onegate.providers.sse.SseParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The fake-upstream half of the contract: each adaptor's request is sent with a Vert.x HttpClient to the fake
 * provider on 127.0.0.1, which records it (the subclass checks auth header, URL and body) and answers with the
 * documented wire bytes in several TCP chunks; the answer goes back through the adaptor's translation.
 */
public abstract class FakeUpstreamRoundTrips extends AdaptorFixtures {
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
