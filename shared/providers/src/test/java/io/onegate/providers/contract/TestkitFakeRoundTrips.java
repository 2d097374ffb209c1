package io.onegate.providers.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.Channel;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.Framing;
import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.sse.NdjsonParser;
import io.onegate.providers.sse.SseEvent;
import io.onegate.providers.sse.SseParser;
import io.onegate.testkit.fake.ProviderFake;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The adaptor against the test kit's fake of its provider (the same fake the gateway's end-to-end SDK tests
 * use): the fake checks the provider's rules (auth, URL, body, tool-result linkage) and answers from the
 * cassettes; the translations must carry the fake's documented content and usage. Keeps the fakes and the
 * adaptors honest with each other without a gateway.
 */
public abstract class TestkitFakeRoundTrips extends ProviderAdaptorContract {
  /** A fresh (not started) fake of this provider. */
  protected abstract ProviderFake testkitFake();

  @Test
  void theTestkitFakeOfTheProviderAcceptsEveryRequestAndItsAnswersTranslate() throws Exception {
    ProviderFake fake = testkitFake();
    fake.start(vertx).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      Channel channel = new Channel(7, channelType(), fake.key(), 1, "fake", 1, fake.baseUrl(), List.of(model()),
          List.of("default"), Map.of(), 0, channelConfig(), "", "");
      String credential = resolveCredential(channel);

      AttemptSpec plain = new AttemptSpec(channel, Endpoint.CHAT_COMPLETIONS, model(), model(), false);
      JsonObject answer = chat(fake, plain, minimalChat(false), credential);
      JsonObject message = answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
      assertThat(message.getString("content")).isEqualTo(fake.chat().text());
      assertThat(answer.getJsonObject("usage").getLong("prompt_tokens")).isEqualTo(fake.chat().promptTokens());
      assertThat(answer.getJsonObject("usage").getLong("completion_tokens"))
          .isEqualTo(fake.chat().completionTokens());

      AttemptSpec streamed = new AttemptSpec(channel, Endpoint.CHAT_COMPLETIONS, model(), model(), true);
      JsonObject streamRequest = minimalChat(true).put("stream_options", new JsonObject().put("include_usage", true));
      StreamRun run = stream(streamed, streamRequest, credential);
      assertThat(run.content()).isEqualTo(fake.stream().text());
      assertThat(run.translator().usage().promptTokens()).isEqualTo(fake.stream().promptTokens());
      assertThat(run.translator().usage().completionTokens()).isEqualTo(fake.stream().completionTokens());

      if (fake.embeddings() > 0) {
        AttemptSpec embed = new AttemptSpec(channel, Endpoint.EMBEDDINGS, embeddingModel(), embeddingModel(), false);
        JsonObject request = new JsonObject().put("model", embeddingModel()).put("input", new JsonArray().add("a").add("b"));
        Received received = send(adaptor().request(embed, client(request), credential));
        JsonObject vectors = new JsonObject(adaptor().response(embed, received.body()));
        assertThat(vectors.getJsonArray("data")).hasSize(fake.embeddings());
      }

      if (fake.toolCall() != null) {
        ProviderFake.ToolCall expected = fake.toolCall();
        JsonObject tool = new JsonObject().put("type", "function").put("function", new JsonObject()
            .put("name", expected.name()).put("description", "weather")
            .put("parameters", new JsonObject().put("type", "object").put("properties",
                new JsonObject().put("location", new JsonObject().put("type", "string")))));
        JsonObject ask = minimalChat(false).put("tools", new JsonArray().add(tool));
        JsonObject called = chat(fake, plain, ask, credential).getJsonArray("choices").getJsonObject(0)
            .getJsonObject("message");
        JsonObject call = called.getJsonArray("tool_calls").getJsonObject(0);
        assertThat(call.getJsonObject("function").getString("name")).isEqualTo(expected.name());
        assertThat(call.getJsonObject("function").getString("arguments")).contains(expected.argumentFragment());
        JsonArray messages = ask.getJsonArray("messages").copy().add(called)
            .add(new JsonObject().put("role", "tool").put("tool_call_id", call.getString("id"))
                .put("content", "{\"temperature\":22}"));
        JsonObject done = chat(fake, plain, ask.copy().put("messages", messages), credential);
        assertThat(done.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
            .isEqualTo(fake.chat().text());
      }
      assertThat(fake.problems()).isEmpty();
    } finally {
      fake.close();
    }
  }

  private JsonObject chat(ProviderFake fake, AttemptSpec spec, JsonObject request, String credential)
      throws Exception {
    Received received = send(adaptor().request(spec, client(request), credential));
    assertThat(fake.problems()).isEmpty();
    assertThat(received.status()).as(received.body().toString()).isEqualTo(200);
    assertThat(adaptor().failureInBody(spec, received.body())).isNull();
    return new JsonObject(adaptor().response(spec, received.body()));
  }

  private StreamRun stream(AttemptSpec spec, JsonObject request, String credential) throws Exception {
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
    Received received = exchange(adaptor().request(spec, client(request), credential), feed);
    end.run();
    translator.onEnd().forEach(b -> out.append(b.toString()));
    assertThat(received.status()).as(received.body().toString()).isEqualTo(200);
    return new StreamRun(out.toString(), translator);
  }
}
