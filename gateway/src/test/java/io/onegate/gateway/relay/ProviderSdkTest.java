package io.onegate.gateway.relay;

import static io.onegate.gateway.relay.RelayFixture.await;
import static io.onegate.gateway.relay.RelayFixture.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.kafka.Topics;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.testkit.fake.AliFake;
import io.onegate.testkit.fake.AnthropicFake;
import io.onegate.testkit.fake.AzureFake;
import io.onegate.testkit.fake.BaiduFake;
import io.onegate.testkit.fake.GeminiFake;
import io.onegate.testkit.fake.OllamaFake;
import io.onegate.testkit.fake.OpenAiFake;
import io.onegate.testkit.fake.ProviderFake;
import io.onegate.testkit.fake.ZhipuFake;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 7's end-to-end check: the official OpenAI Java SDK, pointed at one real gateway node (real PostgreSQL,
 * Kafka, Hazelcast), talks to every provider OneGate translates, each played by the test kit's fake of that
 * provider (which checks the provider's auth, URL and body rules and answers in its wire format). Per provider:
 * a chat completion, a stream with {@code include_usage}, embeddings and a tool round trip where the provider has
 * them; the content, the usage the SDK sees and the usage event (tokens and quota) must be the fake's.
 * Channels are configured the way One API users configure them (Azure: resource URL, key, api-version in
 * {@code other}, a dotted model name; Baidu: {@code AK|SK}; Zhipu: {@code id.secret}).
 */
class ProviderSdkTest {
  /** One configured provider: channel type, its fake, the models the channel serves, and its channel config. */
  record Provider(String name, int type, ProviderFake fake, String chatModel, String embeddingModel,
                  String other, boolean upstreamStreamUsage) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final AzureFake AZURE = new AzureFake("0123456789abcdef0123456789abcdef", "2024-02-15-preview",
      Set.of("gpt-35-turbo", "text-embedding-ada-002"));
  private static final ZhipuFake ZHIPU = new ZhipuFake(Clock.systemUTC());
  private static final BaiduFake ERNIE_SLOW_TOKEN = new BaiduFake(400);
  private static final String DEAD_KEY_SUFFIX = "-deadkey";
  private static final List<Provider> PROVIDERS = List.of(
      new Provider("openai", 1, OpenAiFake.openAi(), "gpt-4o-mini", "text-embedding-3-small", "", true),
      new Provider("azure 2024-02-15-preview", 3, AZURE, "gpt-3.5-turbo", "text-embedding-ada-002",
          "2024-02-15-preview", false),
      new Provider("azure 2024-10-21", 3, new AzureFake("fedcba9876543210fedcba9876543210", "2024-10-21",
          Set.of("gpt-4o")), "gpt-4o", null, "2024-10-21", true),
      new Provider("anthropic", 14, new AnthropicFake(), "claude-3-5-sonnet-20241022", null, "", true),
      new Provider("baidu qianfan v2", 47, new OpenAiFake("qianfan", "/v2", "bce-v3/ALTAK-fakeQianfan/0123456789"),
          "ernie-4.0-turbo-8k", "tao-8k", "", true),
      new Provider("baidu ernie AK|SK", 15, new BaiduFake(0), "ERNIE-4.0-8K", "Embedding-V1", "", true),
      new Provider("zhipu", 16, ZHIPU, "glm-4", "embedding-2", "", true),
      new Provider("ali qwen", 17, new AliFake(), "qwen-turbo", "text-embedding-v1", "", true),
      new Provider("gemini", 24, new GeminiFake(), "gemini-1.5-flash", "text-embedding-004", "", true),
      new Provider("ollama", 30, new OllamaFake(), "llama3.2", "all-minilm", "", true),
      new Provider("openai-compatible local server", 8, new OpenAiFake("local", "/v1", "local-vllm-key"),
          "Qwen2.5-7B-Instruct", "bge-m3", "", true));

  private static Config config;
  private static ProcessRuntime rt;
  private static ProcessMain.Application app;
  private static Vertx fakeVertx;
  private static OpenAIClient sdk;
  private static final Map<String, Integer> channels = new ConcurrentHashMap<>();
  private static final Map<String, UsageEvent> usage = new ConcurrentHashMap<>();
  private static volatile boolean consuming = true;
  private static Thread consumer;

  static Stream<Provider> providers() {
    return PROVIDERS.stream();
  }

  static Stream<Provider> withEmbeddings() {
    return PROVIDERS.stream().filter(p -> p.embeddingModel() != null);
  }

  static Stream<Provider> withTools() {
    return PROVIDERS.stream().filter(p -> p.fake().toolCall() != null);
  }

  static Stream<Provider> withKeys() {
    return PROVIDERS.stream().filter(p -> !p.fake().key().isEmpty());
  }

  /** A key of the provider's format that its fake refuses (wrong secret). */
  static String deadKey(Provider p) {
    String key = p.fake().key();
    int cut = Math.max(key.lastIndexOf('|'), key.lastIndexOf('.'));
    return key.substring(0, cut + 1) + "DeadSecret" + key.substring(cut + 1).replaceAll("[A-Za-z0-9]", "x");
  }

  static Stream<Provider> withStreamedTools() {
    return PROVIDERS.stream().filter(p -> p.fake().streamsToolCalls());
  }

  @BeforeAll
  static void start() throws Exception {
    config = RelayFixture.config(Map.of());
    rt = RelayFixture.runtime(config);
    // the usage consumer joins its group while the rest starts
    consumer = new Thread(ProviderSdkTest::consumeUsage, "usage-consumer");
    consumer.setDaemon(true);
    consumer.start();
    fakeVertx = Vertx.vertx();
    List<String> models = new ArrayList<>(List.of("ERNIE-3.5-8K"));
    for (Provider p : PROVIDERS) {
      await(p.fake().start(fakeVertx));
      String served = p.embeddingModel() == null ? p.chatModel() : p.chatModel() + "," + p.embeddingModel();
      models.addAll(List.of(served.split(",")));
      // Azure users paste the resource endpoint (https://<resource>.openai.azure.com); here it is the fake's.
      channels.put(p.name(), RelayFixture.channel(rt, config, p.type(), p.fake().key(), p.fake().baseUrl(), served,
          p.other(), "", ""));
      if (!p.fake().key().isEmpty()) {
        // the same provider behind a key it refuses, reached through the alias <model>-deadkey
        String alias = p.chatModel() + DEAD_KEY_SUFFIX;
        models.add(alias);
        channels.put(p.name() + DEAD_KEY_SUFFIX, RelayFixture.channel(rt, config, p.type(), deadKey(p), p.fake().baseUrl(),
            alias, p.other(), "", new JsonObject().put(alias, p.chatModel()).encode()));
      }
    }
    await(ERNIE_SLOW_TOKEN.start(fakeVertx));
    channels.put("ernie-concurrent", RelayFixture.channel(rt, config, 15, ERNIE_SLOW_TOKEN.key(),
        ERNIE_SLOW_TOKEN.baseUrl(), "ERNIE-3.5-8K", "", "", ""));
    // Ratio 1 and completion ratio 1 everywhere: the charged quota is prompt + completion tokens.
    String ones = models.stream().map(m -> "\"" + m + "\":1").collect(Collectors.joining(",", "{", "}"));
    RelayFixture.option(rt, "ModelRatio", ones);
    RelayFixture.option(rt, "CompletionRatio", ones);
    int user = RelayFixture.user(rt, "sdk-user", 1, 1_000_000_000L, "default");
    RelayFixture.token(rt, user, key('p'), 1, -1, 0, true, "", "");
    app = RelayFixture.gateway(rt);
    sdk = OpenAIOkHttpClient.builder().apiKey("sk-" + key('p'))
        .baseUrl("http://127.0.0.1:" + config.get(Settings.PORT) + "/v1").maxRetries(0)
        .timeout(Duration.ofSeconds(20)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    consuming = false;
    if (consumer != null) {
      consumer.join(5000);
    }
    RelayFixture.stop(app, rt);
    if (fakeVertx != null) {
      fakeVertx.close();
    }
  }

  @BeforeEach
  void clearProblems() {
    PROVIDERS.forEach(p -> p.fake().problems().clear());
  }

  // ---------------------------------------------------------------- per provider

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void chatCompletion(Provider p) {
    HttpResponseFor<ChatCompletion> raw = sdk.chat().completions().withRawResponse()
        .create(ChatCompletionCreateParams.builder().model(p.chatModel())
            .addSystemMessage("You are a helpful assistant.").addUserMessage("Hello!").build());
    ChatCompletion completion = raw.parse();
    ProviderFake.Expected expected = p.fake().chat();
    assertThat(p.fake().problems()).isEmpty();
    assertThat(completion.choices()).hasSize(1);
    assertThat(completion.choices().get(0).message().content()).contains(expected.text());
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    CompletionUsage reported = completion.usage().orElseThrow();
    assertThat(reported.promptTokens()).isEqualTo(expected.promptTokens());
    assertThat(reported.completionTokens()).isEqualTo(expected.completionTokens());
    assertThat(reported.totalTokens()).isEqualTo(expected.promptTokens() + expected.completionTokens());
    assertBilled(p, requestId(raw), expected.promptTokens(), expected.completionTokens());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void streamedCompletionWithUsage(Provider p) {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(p.chatModel())
        .addUserMessage("Tell me something.")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    StringBuilder text = new StringBuilder();
    List<CompletionUsage> usages = new ArrayList<>();
    List<String> finishes = new ArrayList<>();
    String requestId;
    HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw = sdk.chat().completions().withRawResponse()
        .createStreaming(params);
    requestId = requestId(raw);
    try (StreamResponse<ChatCompletionChunk> stream = raw.parse()) {
      stream.stream().forEach(chunk -> {
        chunk.choices().forEach(c -> {
          c.delta().content().ifPresent(text::append);
          c.finishReason().ifPresent(f -> finishes.add(f.asString()));
        });
        chunk.usage().ifPresent(usages::add);
      });
    }
    ProviderFake.Expected expected = p.fake().stream();
    assertThat(p.fake().problems()).isEmpty();
    assertThat(text.toString()).isEqualTo(expected.text());
    assertThat(finishes).containsExactly("stop");
    if (p.upstreamStreamUsage()) {
      assertThat(usages).hasSize(1);
      assertThat(usages.get(0).promptTokens()).isEqualTo(expected.promptTokens());
      assertThat(usages.get(0).completionTokens()).isEqualTo(expected.completionTokens());
      assertBilled(p, requestId, expected.promptTokens(), expected.completionTokens());
    } else {
      // Azure before api-version 2024-09-01-preview rejects stream_options: the gateway drops it, the upstream
      // reports no usage, and the exchange is billed on the gateway's own token count.
      assertThat(usages).isEmpty();
      UsageEvent event = usageEvent(requestId);
      assertThat(event.completionTokens()).isPositive();
      assertThat(event.quota()).isEqualTo(event.promptTokens() + event.completionTokens());
    }
  }

  /**
   * Without {@code stream_options.include_usage} a client gets what OpenAI sends: no usage chunk (no chunk with
   * empty {@code choices}), whatever the provider. The exchange is still billed: on the provider's reported usage
   * for translated dialects, on the gateway's token count for OpenAI-format upstreams (which then report none).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void streamWithoutIncludeUsageHasNoUsageChunk(Provider p) {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(p.chatModel())
        .addUserMessage("Tell me something.").build();
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw = sdk.chat().completions().withRawResponse()
        .createStreaming(params);
    try (StreamResponse<ChatCompletionChunk> stream = raw.parse()) {
      stream.stream().forEach(chunk -> {
        chunks.add(chunk);
        chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
      });
    }
    assertThat(p.fake().problems()).isEmpty();
    assertThat(text.toString()).isEqualTo(p.fake().stream().text());
    boolean azurePromptFilterChunk = p.fake() instanceof AzureFake; // Azure's own first chunk has no choices
    assertThat(chunks.subList(azurePromptFilterChunk ? 1 : 0, chunks.size()))
        .allSatisfy(c -> assertThat(c.choices()).isNotEmpty());
    assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
    UsageEvent event = usageEvent(requestId(raw));
    assertThat(event.channelId()).isEqualTo(channels.get(p.name()));
    if (!(p.fake() instanceof OpenAiFake)) {
      assertThat(event.promptTokens()).isEqualTo(p.fake().stream().promptTokens());
      assertThat(event.completionTokens()).isEqualTo(p.fake().stream().completionTokens());
    } else {
      assertThat(event.completionTokens()).isPositive();
    }
    assertThat(event.quota()).isEqualTo(event.promptTokens() + event.completionTokens());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withEmbeddings")
  void embeddings(Provider p) {
    HttpResponseFor<CreateEmbeddingResponse> raw = sdk.embeddings().withRawResponse().create(
        EmbeddingCreateParams.builder().model(p.embeddingModel()).inputOfArrayOfStrings(List.of("a", "b")).build());
    CreateEmbeddingResponse response = raw.parse();
    assertThat(p.fake().problems()).isEmpty();
    assertThat(response.data()).hasSize(p.fake().embeddings());
    for (int i = 0; i < response.data().size(); i++) {
      assertThat(response.data().get(i).index()).isEqualTo(i);
      assertThat(response.data().get(i).embedding()).isNotEmpty();
    }
    UsageEvent event = usageEvent(requestId(raw));
    assertThat(event.channelId()).isEqualTo(channels.get(p.name()));
    if (p.fake().embeddingPromptTokens() >= 0) {
      assertThat(response.usage().promptTokens()).isEqualTo(p.fake().embeddingPromptTokens());
      assertThat(event.promptTokens()).isEqualTo(p.fake().embeddingPromptTokens());
    }
    assertThat(event.quota()).isEqualTo(event.promptTokens()).isPositive();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withTools")
  void toolCallRoundTrip(Provider p) {
    ProviderFake.ToolCall expected = p.fake().toolCall();
    ChatCompletionCreateParams ask = ChatCompletionCreateParams.builder().model(p.chatModel())
        .addUserMessage("What's the weather like?").addFunctionTool(weatherFunction(expected.name())).build();
    ChatCompletion first = sdk.chat().completions().create(ask);
    assertThat(p.fake().problems()).isEmpty();
    ChatCompletionMessage assistant = first.choices().get(0).message();
    assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageFunctionToolCall call = assistant.toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.function().name()).isEqualTo(expected.name());
    assertThat(new JsonObject(call.function().arguments()).encode()).contains(expected.argumentFragment());
    assertThat(call.id()).isNotBlank();
    if (expected.id() != null) {
      assertThat(call.id()).isEqualTo(expected.id());
    }

    ChatCompletion answer = sdk.chat().completions().create(ask.toBuilder().addMessage(assistant)
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id())
            .content("{\"temperature\":22,\"unit\":\"celsius\"}").build())
        .build());
    assertThat(p.fake().problems()).isEmpty();
    assertThat(answer.choices().get(0).message().content()).contains(p.fake().chat().text());
    assertThat(answer.choices().get(0).message().toolCalls().orElse(List.of())).isEmpty();
  }

  /** A streamed tool call, accumulated by the SDK's own {@code ChatCompletionAccumulator} (index-based merging). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("withStreamedTools")
  void streamedToolCall(Provider p) {
    ProviderFake.ToolCall expected = p.fake().toolCall();
    ChatCompletionCreateParams ask = ChatCompletionCreateParams.builder().model(p.chatModel())
        .addUserMessage("What's the weather like?").addFunctionTool(weatherFunction(expected.name()))
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(ask)) {
      stream.stream().forEach(accumulator::accumulate);
    }
    assertThat(p.fake().problems()).isEmpty();
    ChatCompletion completion = accumulator.chatCompletion();
    assertThat(completion.choices()).hasSize(1);
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    List<com.openai.models.chat.completions.ChatCompletionMessageToolCall> calls =
        completion.choices().get(0).message().toolCalls().orElseThrow();
    assertThat(calls).hasSize(1);
    ChatCompletionMessageFunctionToolCall call = calls.get(0).asFunction();
    assertThat(call.id()).isNotBlank();
    assertThat(call.function().name()).isEqualTo(expected.name());
    assertThat(new JsonObject(call.function().arguments()).encode()).contains(expected.argumentFragment());
    assertThat(completion.usage().orElseThrow().completionTokens()).isPositive();
  }

  private static FunctionDefinition weatherFunction(String name) {
    return FunctionDefinition.builder().name(name).description("Current weather at a location")
        .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
            .putAdditionalProperty("required", JsonValue.from(List.of("location"))).build())
        .build();
  }

  /**
   * A key the provider refuses: the SDK gets an OpenAI-shaped 503 {@code channel_credential_refused} (which it
   * parses into a typed exception) that carries neither the channel key nor a stack trace, and nothing is billed.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("withKeys")
  void aRefusedChannelKeyReachesTheSdkAsAnOpenAiErrorAndIsNotBilled(Provider p) {
    String dead = deadKey(p);
    OpenAIServiceException error = catchThrowableOfType(OpenAIServiceException.class, () -> sdk.chat().completions()
        .create(ChatCompletionCreateParams.builder().model(p.chatModel() + DEAD_KEY_SUFFIX).addUserMessage("Hi")
            .build()));
    assertThat(error).as("the SDK raised an API error").isNotNull();
    assertThat(p.fake().problems()).as("the fake refused the key").isNotEmpty();
    assertThat(error.statusCode()).as("the channel's key, not the client's: 503 (One API quirk Q4 fixed)")
        .isEqualTo(503);
    assertThat(error.code()).contains("channel_credential_refused");
    String body = error.body().toString();
    assertThat(error.body().asObject()).isPresent();
    assertThat(error.getMessage()).isNotBlank();
    String secret = dead.substring(Math.max(dead.lastIndexOf('|'), dead.lastIndexOf('.')) + 1);
    assertThat(body + error.getMessage()).doesNotContain(secret).doesNotContain("Exception").doesNotContain("\tat ");
    UsageEvent event = usageEvent(error.headers().values("X-Oneapi-Request-Id").get(0));
    assertThat(event.channelId()).isEqualTo(channels.get(p.name() + DEAD_KEY_SUFFIX));
    assertThat(event.status()).isEqualTo("failed");
    assertThat(event.quota()).isZero();
  }

  // ---------------------------------------------------------------- provider specifics

  @Test
  void azureChannelConfiguredAsInOneApiReachesTheDeploymentWithApiVersionAndApiKey() {
    AZURE.calls().clear();
    ChatCompletion completion = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-3.5-turbo").addUserMessage("Hello!").build());
    assertThat(completion.choices().get(0).message().content()).contains(AZURE.chat().text());
    assertThat(AZURE.calls()).hasSize(1);
    var call = AZURE.calls().get(0);
    assertThat(call.path()).isEqualTo("/openai/deployments/gpt-35-turbo/chat/completions");
    assertThat(call.query()).isEqualTo("api-version=2024-02-15-preview");
    assertThat(call.header("api-key")).isEqualTo(AZURE.key());
    assertThat(call.header("authorization")).isNull();
    assertThat(AZURE.problems()).isEmpty();
  }

  @Test
  void zhipuGetsAVerifiedJwtSignedOnceAndReused() {
    for (int i = 0; i < 3; i++) {
      sdk.chat().completions().create(ChatCompletionCreateParams.builder().model("glm-4").addUserMessage("Hi")
          .build());
    }
    // every request's JWT was verified by the fake (header, api_key, ms timestamps, HMAC); the cached one is reused
    assertThat(ZHIPU.problems()).isEmpty();
    assertThat(ZHIPU.jwts()).hasSize(1);
  }

  @Test
  void ernieAccessTokenIsFetchedOnceForConcurrentRequests() throws Exception {
    int requests = 20;
    ExecutorService pool = Executors.newFixedThreadPool(requests);
    try {
      List<CompletableFuture<String>> answers = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        answers.add(CompletableFuture.supplyAsync(() -> sdk.chat().completions().create(ChatCompletionCreateParams
            .builder().model("ERNIE-3.5-8K").addUserMessage("你好").build()).choices().get(0).message().content()
            .orElse(""), pool));
      }
      for (CompletableFuture<String> answer : answers) {
        assertThat(answer.get()).isEqualTo(ERNIE_SLOW_TOKEN.chat().text());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(ERNIE_SLOW_TOKEN.problems()).isEmpty();
    assertThat(ERNIE_SLOW_TOKEN.tokenCalls()).isEqualTo(1);
    assertThat(ERNIE_SLOW_TOKEN.calls()).hasSize(requests + 1);
    // later requests reuse the cached token too
    sdk.chat().completions().create(ChatCompletionCreateParams.builder().model("ERNIE-3.5-8K").addUserMessage("再见")
        .build());
    assertThat(ERNIE_SLOW_TOKEN.tokenCalls()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- helpers

  private static String requestId(HttpResponseFor<?> raw) {
    List<String> ids = raw.headers().values("X-Oneapi-Request-Id");
    assertThat(ids).hasSize(1);
    return ids.get(0);
  }

  private static void assertBilled(Provider p, String requestId, long prompt, long completion) {
    UsageEvent event = usageEvent(requestId);
    assertThat(event.channelId()).isEqualTo(channels.get(p.name()));
    assertThat(event.channelType()).isEqualTo(p.type());
    assertThat(event.status()).isEqualTo("success");
    assertThat(event.promptTokens()).isEqualTo(prompt);
    assertThat(event.completionTokens()).isEqualTo(completion);
    assertThat(event.quota()).isEqualTo(prompt + completion); // ratio 1, completion ratio 1, group ratio 1
  }

  private static UsageEvent usageEvent(String requestId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      UsageEvent event = usage.get(requestId);
      if (event != null) {
        return event;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("no usage event for request " + requestId);
  }

  private static KafkaConsumer<String, String> usageConsumer() {
    java.util.Properties props = new java.util.Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(Settings.KAFKA_BOOTSTRAP_SERVERS));
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "provider-sdk-test-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }

  private static void consumeUsage() {
    try (KafkaConsumer<String, String> kafka = usageConsumer()) {
      kafka.subscribe(List.of(Topics.of(config).usage()));
      while (consuming) {
        kafka.poll(Duration.ofMillis(200)).forEach(r -> {
          UsageEvent e = UsageEvent.decode(r.value());
          usage.put(e.requestId(), e);
        });
      }
    }
  }
}
