package io.onegate.health.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.Channel;
import io.onegate.common.domain.ChannelStatus;
import io.onegate.common.error.FailureClass;
import io.onegate.providers.registry.ProviderRegistry;
import io.onegate.providers.transport.CredentialCache;
import io.onegate.providers.transport.UpstreamClient;
import io.onegate.testkit.FakeOpenAiUpstream;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The production prober goes through the channel type's adaptor and the relay's transport to a fake upstream. */
class RegistryProberTest {
  private static Vertx vertx;
  private static FakeOpenAiUpstream upstream;
  private static RegistryProber prober;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new FakeOpenAiUpstream(vertx).start().toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    UpstreamClient client = new UpstreamClient(vertx, new UpstreamClient.Settings(Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(5), 4));
    prober = new RegistryProber(ProviderRegistry.defaults(), client,
        new CredentialCache(client, Clock.systemUTC(), Duration.ofMinutes(1)), Clock.systemUTC(),
        Duration.ofSeconds(5), "ping");
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  private static Channel channel(int type, Map<String, String> mapping) {
    return new Channel(7, type, "sk-test-key-123456789", ChannelStatus.ENABLED, "probe", 1, upstream.baseUrl(),
        List.of("gpt-3.5-turbo"), List.of("default"), mapping, 0, Map.of(), "", "");
  }

  private static ProbeResult probe(Channel channel) throws Exception {
    return prober.probe(channel, "gpt-3.5-turbo").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void successfulProbeSendsTheMappedModelWithTheChannelKey() throws Exception {
    int before = upstream.requests().size();
    ProbeResult result = probe(channel(1, Map.of("gpt-3.5-turbo", "gpt-4o-mini")));
    assertThat(result.success()).as(result.message()).isTrue();
    assertThat(result.failureClass()).isEqualTo(FailureClass.NONE);
    var sent = upstream.requests().get(before);
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.headers().get("Authorization")).isEqualTo("Bearer sk-test-key-123456789");
    assertThat(sent.json().getString("model")).isEqualTo("gpt-4o-mini");
  }

  @Test
  void deadKeyIsClassifiedFromTheStructuredCode() throws Exception {
    upstream.failNext(401, "invalid_request_error", "invalid_api_key");
    ProbeResult result = probe(channel(1, Map.of()));
    assertThat(result.success()).isFalse();
    assertThat(result.failureClass()).isEqualTo(FailureClass.INVALID_KEY);
    assertThat(result.httpStatus()).isEqualTo(401);
    assertThat(result.message()).doesNotContain("sk-test-key-123456789");
  }

  @Test
  void serverErrorIsTransientAndUnreachableUpstreamIsReported() throws Exception {
    upstream.failNext(503, "server_error", "overloaded");
    assertThat(probe(channel(1, Map.of())).failureClass()).isEqualTo(FailureClass.TRANSIENT);
    Channel nowhere = new Channel(8, 1, "k", ChannelStatus.ENABLED, "x", 1, "http://127.0.0.1:1", List.of("m"),
        List.of("default"), Map.of(), 0, Map.of(), "", "");
    ProbeResult result = prober.probe(nowhere, "m").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(result.success()).isFalse();
    assertThat(result.failureClass()).isIn(FailureClass.TRANSIENT, FailureClass.TIMEOUT);
  }
}
