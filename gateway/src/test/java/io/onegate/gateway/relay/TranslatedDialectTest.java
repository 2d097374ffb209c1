package io.onegate.gateway.relay;

import static io.onegate.gateway.relay.RelayFixture.await;
import static io.onegate.gateway.relay.RelayFixture.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Config;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.gateway.state.SnapshotLoader;
import io.onegate.gateway.state.StateStore;
import io.onegate.providers.openai.OpenAiErrors;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.Framing;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.UpstreamRequest;
import io.onegate.providers.spi.Usage;
import io.onegate.providers.sse.SseEvent;
import io.onegate.testkit.RecordingUsageSink;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A non-OpenAI dialect (an NDJSON chat API like Ollama's, registered as channel type 99 through
 * {@code ProviderRegistry.with}) goes through the same relay: the translator's chunks reach the client, the
 * relay appends {@code [DONE]}, and the usage the translator reports is billed.
 */
class TranslatedDialectTest {
  private static ProcessRuntime rt;
  private static Vertx fakeVertx;
  private static StateStore state;
  private static RelayServices services;
  private static final RecordingUsageSink events = new RecordingUsageSink();
  private static int port;

  /** A minimal NDJSON dialect: {"message":{"content":…},"done":bool,"prompt_eval_count":n,"eval_count":m}. */
  static final class NdjsonChatAdaptor implements ProviderAdaptor {
    @Override
    public String name() {
      return "ndjson-test";
    }

    @Override
    public boolean supports(Endpoint endpoint) {
      return endpoint == Endpoint.CHAT_COMPLETIONS;
    }

    @Override
    public UpstreamRequest request(AttemptSpec spec, ClientRequest client, String credential) {
      JsonObject body = new JsonObject().put("model", spec.upstreamModel())
          .put("messages", client.json().getJsonArray("messages")).put("stream", spec.stream());
      return new UpstreamRequest("POST", spec.channel().baseUrl() + "/api/chat",
          Map.of("Content-Type", "application/json"), body.toBuffer());
    }

    @Override
    public boolean passThrough(AttemptSpec spec) {
      return false;
    }

    @Override
    public Buffer response(AttemptSpec spec, Buffer upstreamBody) {
      return upstreamBody;
    }

    @Override
    public Usage usage(AttemptSpec spec, Buffer body) {
      return Usage.NONE;
    }

    @Override
    public Framing framing(AttemptSpec spec) {
      return Framing.NDJSON;
    }

    @Override
    public StreamTranslator streamTranslator(AttemptSpec spec) {
      return new StreamTranslator() {
        private Usage usage = Usage.NONE;
        private final StringBuilder text = new StringBuilder();

        @Override
        public List<Buffer> onFrame(SseEvent frame) {
          JsonObject line = new JsonObject(frame.data());
          if (line.getBoolean("done", false)) {
            usage = new Usage(line.getLong("prompt_eval_count"), line.getLong("eval_count"), Usage.Source.REPORTED);
            return List.of();
          }
          String content = line.getJsonObject("message").getString("content");
          text.append(content);
          JsonObject chunk = new JsonObject().put("object", "chat.completion.chunk").put("choices",
              new JsonArray().add(new JsonObject().put("index", 0).put("delta", new JsonObject().put("content",
                  content))));
          return List.of(Buffer.buffer("data: " + chunk.encode() + "\n\n"));
        }

        @Override
        public List<Buffer> onEnd() {
          return List.of();
        }

        @Override
        public Usage usage() {
          return usage;
        }

        @Override
        public CharSequence deliveredText() {
          return text;
        }
      };
    }

    @Override
    public UpstreamFailure classify(int status, MultiMap headers, Buffer body) {
      return OpenAiErrors.classify(status, body);
    }

    @Override
    public List<String> defaultModels() {
      return List.of("llama-test");
    }
  }

  @BeforeAll
  static void start() throws Exception {
    Config config = RelayFixture.config(Map.of());
    rt = RelayFixture.runtime(config);
    fakeVertx = Vertx.vertx();
    var upstream = await(fakeVertx.createHttpServer().requestHandler(req -> {
      var resp = req.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
      resp.write("{\"message\":{\"content\":\"Hel\"},\"done\":false}\n{\"message\":{\"content\":\"lo\"},");
      fakeVertx.setTimer(50, id -> resp.end("\"done\":false}\n{\"done\":true,\"prompt_eval_count\":6,"
          + "\"eval_count\":2}\n"));
    }).listen(0, "127.0.0.1"));
    RelayFixture.option(rt, "ModelRatio", "{\"llama-test\":1}");
    int user = RelayFixture.user(rt, "ollie", 1, 1_000_000L, "default");
    RelayFixture.token(rt, user, key('o'), 1, -1, 0, true, "", "");
    RelayFixture.channel(rt, config, 99, "unused", "http://127.0.0.1:" + upstream.actualPort(), "llama-test",
        "default", 0, 0, "");
    state = await(StateStore.start(rt.vertx(), new SnapshotLoader(rt.pg(),
        new io.onegate.common.domain.ChannelRepository(rt.pg(), io.onegate.common.crypto.KeyCipher.fromConfig(config)),
        io.onegate.common.crypto.TokenVault.fromConfig(config)),
        Duration.ofMinutes(10)));
    RelayServices base = await(rt.vertx().executeBlocking(() -> RelayRoutes.services(rt, state, events)));
    services = new RelayServices(base.state(), base.registry().with(99, new NdjsonChatAdaptor(), ""),
        base.upstream(), base.credentials(), base.estimator(), base.balances(), base.events(), base.clientIp(),
        base.clock(), base.random(), base.maxBodyBytes(), base.holds());
    Router router = Router.router(rt.vertx());
    RelayRoutes.mount(router, rt.vertx(), services);
    port = await(rt.vertx().createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();
  }

  @AfterAll
  static void stop() {
    RelayFixture.stop(null, rt);
    if (fakeVertx != null) {
      fakeVertx.close();
    }
  }

  @Test
  void ndjsonUpstreamIsTranslatedToSseEndedByDone() {
    var r = await(WebClient.create(fakeVertx).post(port, "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer sk-" + key('o'))
        .sendJsonObject(new JsonObject().put("model", "llama-test").put("stream", true)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))));
    assertThat(r.statusCode()).isEqualTo(200);
    String body = r.bodyAsString();
    assertThat(body).startsWith("data: {\"object\":\"chat.completion.chunk\"");
    assertThat(body).contains("\"content\":\"Hel\"").contains("\"content\":\"lo\"").endsWith("data: [DONE]\n\n");
    assertThat(body.split("\n\n")).hasSize(3);
    assertThat(events.takeOutcome().success()).isTrue();
    UsageEvent usage = events.takeUsage();
    assertThat(usage.promptTokens()).as("the translator's reported usage is billed").isEqualTo(6);
    assertThat(usage.completionTokens()).isEqualTo(2);
    events.assertNothingElse();
  }
}
