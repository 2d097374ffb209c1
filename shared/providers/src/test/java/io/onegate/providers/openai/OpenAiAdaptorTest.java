package io.onegate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.providers.registry.ProviderRegistry;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.UpstreamRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiAdaptorTest {
  private static final ProviderRegistry REGISTRY = ProviderRegistry.defaults();

  private static Channel channel(int type, String base, Map<String, String> mapping, Map<String, String> config,
                                 String other, String systemPrompt) {
    return REGISTRY.effective(new Channel(7, type, "secret-key", 1, "c", 0, base, List.of("m"), List.of("default"),
        mapping, 0, config, systemPrompt, other));
  }

  private static UpstreamRequest request(Channel c, Endpoint e, String model, String body) {
    JsonObject json = new JsonObject(body);
    AttemptSpec spec = new AttemptSpec(c, e, json.getString("model"), c.upstreamModel(json.getString("model")), false);
    return REGISTRY.adaptor(c.type()).orElseThrow().request(spec,
        new ClientRequest(Buffer.buffer(body), "application/json", json), c.key());
  }

  @Test
  void urlRulesFollowOneApiPerType() {
    String body = "{\"model\":\"m\",\"messages\":[]}";
    assertThat(request(channel(1, "", Map.of(), Map.of(), "", ""), Endpoint.CHAT_COMPLETIONS, "m", body).url())
        .isEqualTo("https://api.openai.com/v1/chat/completions");
    assertThat(request(channel(50, "https://x.example/api/v4/", Map.of(), Map.of(), "", ""),
        Endpoint.CHAT_COMPLETIONS, "m", body).url()).isEqualTo("https://x.example/api/v4/chat/completions");
    assertThat(request(channel(40, "", Map.of(), Map.of(), "", ""), Endpoint.EMBEDDINGS, "m", body).url())
        .isEqualTo("https://ark.cn-beijing.volces.com/api/v3/embeddings");
    assertThat(request(channel(47, "", Map.of(), Map.of(), "", ""), Endpoint.CHAT_COMPLETIONS, "m", body).url())
        .isEqualTo("https://qianfan.baidubce.com/v2/chat/completions");
    assertThat(request(channel(49, "", Map.of(), Map.of(), "", ""), Endpoint.CHAT_COMPLETIONS, "m", body).url())
        .isEqualTo("https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions");
    assertThat(request(channel(29, "", Map.of(), Map.of(), "", ""), Endpoint.CHAT_COMPLETIONS, "m", body).url())
        .isEqualTo("https://api.groq.com/openai/v1/chat/completions");
    UpstreamRequest openRouter = request(channel(20, "", Map.of(), Map.of(), "", ""), Endpoint.CHAT_COMPLETIONS,
        "m", body);
    assertThat(openRouter.headers()).containsEntry("X-Title", "One API").containsKey("HTTP-Referer");
    assertThat(openRouter.headers()).containsEntry("Authorization", "Bearer secret-key");
  }

  @Test
  void azureUsesDeploymentUrlApiVersionAndApiKeyHeader() {
    String body = "{\"model\":\"gpt-3.5-turbo\",\"messages\":[]}";
    UpstreamRequest r = request(channel(3, "https://res.openai.azure.com", Map.of(), Map.of("api_version",
        "2024-06-01"), "", ""), Endpoint.CHAT_COMPLETIONS, "gpt-3.5-turbo", body);
    assertThat(r.url()).isEqualTo(
        "https://res.openai.azure.com/openai/deployments/gpt-35-turbo/chat/completions?api-version=2024-06-01");
    assertThat(r.headers()).containsEntry("api-key", "secret-key").doesNotContainKey("Authorization");
    UpstreamRequest fallback = request(channel(3, "https://res.openai.azure.com", Map.of(), Map.of(), "", ""),
        Endpoint.EMBEDDINGS, "gpt-3.5-turbo", body);
    assertThat(fallback.url()).endsWith("/embeddings?api-version=2024-03-01-preview");
  }

  @Test
  void azureDropsStreamOptionsOnlyForApiVersionsThatRejectIt() {
    String body = "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    for (String old : List.of("2024-02-15-preview", "2024-06-01", "2023-05-15", "2024-08-01-preview")) {
      JsonObject sent = request(channel(3, "https://res.openai.azure.com", Map.of(), Map.of(), old, ""),
          Endpoint.CHAT_COMPLETIONS, "gpt-4o", body).body().toJsonObject();
      assertThat(sent.containsKey("stream_options")).as(old).isFalse();
      assertThat(sent.getBoolean("stream")).isTrue();
      assertThat(sent.getJsonArray("messages")).hasSize(1);
    }
    for (String recent : List.of("2024-09-01-preview", "2024-10-21", "2025-01-01-preview", "preview")) {
      Buffer sent = request(channel(3, "https://res.openai.azure.com", Map.of(), Map.of(), recent, ""),
          Endpoint.CHAT_COMPLETIONS, "gpt-4o", body).body();
      assertThat(sent.toString()).as(recent).isEqualTo(body);
    }
  }

  @Test
  void bodyPassesThroughUnchangedUnlessMappedOrPrompted() {
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"x_unknown\":1}";
    Buffer same = request(channel(1, "", Map.of(), Map.of(), "", ""), Endpoint.CHAT_COMPLETIONS, "m", body).body();
    assertThat(same.toString()).isEqualTo(body);
    JsonObject mapped = request(channel(1, "", Map.of("m", "real-m"), Map.of(), "", "be brief"),
        Endpoint.CHAT_COMPLETIONS, "m", body).body().toJsonObject();
    assertThat(mapped.getString("model")).isEqualTo("real-m");
    assertThat(mapped.getInteger("x_unknown")).isEqualTo(1);
    assertThat(mapped.getJsonArray("messages").getJsonObject(0).getString("content")).isEqualTo("be brief");
  }

  @Test
  void failuresAreClassifiedFromStatusAndCodesNotText() {
    assertThat(OpenAiErrors.classify(401, Buffer.buffer("{}")).failureClass()).isEqualTo(FailureClass.INVALID_KEY);
    assertThat(OpenAiErrors.classify(429, Buffer.buffer("{\"error\":{\"message\":\"credit balance\","
        + "\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}")).failureClass())
        .isEqualTo(FailureClass.QUOTA_EXHAUSTED);
    assertThat(OpenAiErrors.classify(429, Buffer.buffer("{\"error\":{\"message\":\"insufficient_quota please\"}}"))
        .failureClass()).isEqualTo(FailureClass.RATE_LIMITED);
    assertThat(OpenAiErrors.classify(400, Buffer.buffer("not json")).failureClass())
        .isEqualTo(FailureClass.BAD_REQUEST);
    assertThat(OpenAiErrors.classify(503, Buffer.buffer("")).clientError().getString("code"))
        .isEqualTo("bad_response_status_code");
    assertThat(OpenAiErrors.classify(502, Buffer.buffer("")).failureClass()).isEqualTo(FailureClass.TRANSIENT);
  }

  @Test
  void aRateLimitCarriesTheWaitTheUpstreamAskedFor() {
    var adaptor = new OpenAiAdaptor("openai", UrlRule.V1);
    Buffer body = Buffer.buffer("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
        + "\"code\":\"rate_limit_exceeded\"}}");
    var failure = adaptor.classify(429, io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("retry-after", "7"),
        body);
    assertThat(failure.failureClass()).isEqualTo(FailureClass.RATE_LIMITED);
    assertThat(failure.retryAfterMillis()).isEqualTo(7_000);
    assertThat(adaptor.classify(429, io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("retry-after-ms", "250"),
        body).retryAfterMillis()).isEqualTo(250);
  }
}
