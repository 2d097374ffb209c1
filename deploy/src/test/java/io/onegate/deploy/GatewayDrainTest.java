package io.onegate.deploy;

import static io.onegate.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.onegate.billing.BillingWorkerApplication;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.deploy.cluster.JavaProcess;
import io.onegate.deploy.cluster.LocalCluster;
import io.onegate.gateway.GatewayMain;
import io.onegate.testkit.FakeOpenAiUpstream;
import io.onegate.testkit.Figures;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway in a JVM of its own gets SIGTERM while it relays 100 streams from a slow upstream: {@code /readyz} turns
 * 503 at once; a request on a new connection during {@code DRAIN_DELAY} is still served; then new connections are
 * refused; all 100 streams run to their end; the process exits 0 within its grace period; and every one of the 101
 * requests has its consume log row once a billing worker applied the usage events the gateway flushed on its way out.
 */
class GatewayDrainTest {
  private static final int STREAMS = 100;
  private static final int DRAIN_DELAY = 2;
  private static final int DRAIN_TIMEOUT = 30;
  private static final String KEY = "drainTestToken0000000000000000000000000000000001";
  private JavaProcess gateway;
  private ProcessRuntime runtime;
  private ProcessMain.Application billing;
  private Vertx fakeVertx;
  private ExecutorService clients;

  @AfterEach
  void stop() {
    if (clients != null) {
      clients.shutdownNow();
    }
    if (gateway != null) {
      gateway.kill();
    }
    if (billing != null) {
      ProcessRuntime.awaitQuietly(billing.stop(), Duration.ofSeconds(20));
    }
    if (runtime != null) {
      runtime.closeBlocking(Duration.ofSeconds(15));
    }
    if (fakeVertx != null) {
      fakeVertx.close();
    }
  }

  @Test
  void sigtermDuringHundredStreamsLetsThemAllFinishAndBillsEveryOne() throws Exception {
    Config config = TestInfra.get().freshConfig(Map.of(Settings.BATCH_UPDATE_INTERVAL.name(), "1",
        Settings.DRAIN_DELAY.name(), String.valueOf(DRAIN_DELAY),
        Settings.DRAIN_TIMEOUT.name(), String.valueOf(DRAIN_TIMEOUT)));
    runtime = await(ProcessRuntime.start(config)); // migrates, creates the topics, joins the cluster
    billing = await(BillingWorkerApplication.start(runtime));
    fakeVertx = Vertx.vertx();
    FakeOpenAiUpstream upstream = await(new FakeOpenAiUpstream(fakeVertx).start());
    List<String> chunks = new ArrayList<>();
    chunks.add(FakeOpenAiUpstream.chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
    for (int i = 0; i < 20; i++) {
      chunks.add(FakeOpenAiUpstream.chunk("{\"content\":\"w" + i + " \"}", null));
    }
    chunks.addAll(FakeOpenAiUpstream.defaultChunks().subList(3, 6)); // finish, usage, [DONE]
    upstream.streamChunks(chunks, 300); // ~6.5 s per stream: longer than DRAIN_DELAY
    Sql sql = new Sql(config.get(Settings.SQL_DSN));
    int user = sql.user("drain", 1_000_000_000L);
    sql.token(user, KEY, 0, true);
    sql.channel("slow", "sk-upstream", upstream.baseUrl(), "gpt-4o-mini");

    Map<String, String> env = new HashMap<>(config.raw());
    env.put(Settings.HAZELCAST_PORT.name(), String.valueOf(config.get(Settings.HAZELCAST_PORT) + 1));
    env.put(Settings.NODE_TYPE.name(), "slave");
    Path dataDir = Files.createTempDirectory("onegate-drain-");
    env.put(Settings.DATA_DIR.name(), dataDir.toString());
    List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC"));
    jvm.addAll(JavaProcess.HAZELCAST_OPTIONS);
    gateway = new JavaProcess("gateway", jvm, GatewayMain.class.getName(), List.of(), env,
        dataDir.resolve("gateway.log")).start();
    LocalCluster.Member member = new LocalCluster.Member(LocalCluster.Kind.GATEWAY, 1, gateway,
        config.get(Settings.PORT));
    eventually(Duration.ofSeconds(90), "gateway ready (see " + gateway.log() + ")", member::ready);

    OpenAIClient sdk = OpenAIOkHttpClient.builder().apiKey("sk-" + KEY).baseUrl(member.baseUrl() + "/v1")
        .maxRetries(0).timeout(Duration.ofSeconds(60)).build();
    CountDownLatch started = new CountDownLatch(STREAMS);
    clients = Executors.newFixedThreadPool(STREAMS);
    List<java.util.concurrent.Future<Streamed>> streams = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      streams.add(clients.submit(() -> stream(sdk, started)));
    }
    assertThat(started.await(60, TimeUnit.SECONDS)).as("all streams under way").isTrue();

    long sigterm = System.nanoTime();
    gateway.terminate();
    eventually(Duration.ofSeconds(1), () -> assertThat(member.status("/readyz")).isEqualTo(503));
    long notReadyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
    String lateId = chatOnNewConnection(member);
    long servedLateMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
    eventually(Duration.ofSeconds(DRAIN_DELAY + 5), () -> assertThat(member.status("/healthz")).isEqualTo(-1));
    long refusedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);

    List<String> ids = new ArrayList<>();
    for (java.util.concurrent.Future<Streamed> f : streams) {
      Streamed s = f.get(60, TimeUnit.SECONDS);
      assertThat(s.finish()).as("stream %s ran to its end", s.requestId()).isEqualTo("stop");
      assertThat(s.text()).startsWith("w0 w1 ").endsWith("w19 ");
      ids.add(s.requestId());
    }
    long streamsDoneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
    Optional<Integer> exit = gateway.awaitExit(Duration.ofSeconds(DRAIN_DELAY + DRAIN_TIMEOUT + 15));
    long exitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
    assertThat(exit).as("exit code within DRAIN_DELAY + DRAIN_TIMEOUT + 15 s").contains(0);
    assertThat(refusedMs).as("listeners closed after the delay").isGreaterThanOrEqualTo(DRAIN_DELAY * 1000L);
    assertThat(servedLateMs).as("served during the delay").isLessThan(DRAIN_DELAY * 1000L);
    ids.add(lateId);

    eventually(Duration.ofSeconds(60), () -> assertThat(sql.column("SELECT request_id FROM logs WHERE type = 2"))
        .containsExactlyInAnyOrderElementsOf(ids));
    Figures.report("DRAIN: SIGTERM during %d streams: /readyz 503 after %d ms, a new request served at %d ms, "
        + "connections refused from %d ms, all streams ended at %d ms, exit 0 at %d ms (DRAIN_DELAY %d s); %d consume "
        + "rows for %d requests", STREAMS, notReadyMs, servedLateMs, refusedMs, streamsDoneMs, exitMs, DRAIN_DELAY,
        sql.number("SELECT count(*) FROM logs WHERE type = 2"), ids.size());
  }

  /** One streamed chat completion: its request id, the text and the finish reason. */
  private record Streamed(String requestId, String text, String finish) {
  }

  private static Streamed stream(OpenAIClient sdk, CountDownLatch started) {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
        .addUserMessage("Count slowly.").build();
    HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw = sdk.chat().completions().withRawResponse()
        .createStreaming(params);
    String id = raw.headers().values("X-Oneapi-Request-Id").get(0);
    StringBuilder text = new StringBuilder();
    String[] finish = {""};
    boolean[] first = {true};
    try (StreamResponse<ChatCompletionChunk> s = raw.parse()) {
      s.stream().forEach(chunk -> {
        if (first[0]) {
          first[0] = false;
          started.countDown();
        }
        chunk.choices().forEach(c -> {
          c.delta().content().ifPresent(text::append);
          c.finishReason().ifPresent(f -> finish[0] = f.asString());
        });
      });
    }
    return new Streamed(id, text.toString(), finish[0]);
  }

  /** A chat completion on a client of its own (a new connection); must be answered 200. Returns its request id. */
  private static String chatOnNewConnection(LocalCluster.Member member) {
    OpenAIClient fresh = OpenAIOkHttpClient.builder().apiKey("sk-" + KEY).baseUrl(member.baseUrl() + "/v1")
        .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    HttpResponseFor<ChatCompletion> response = fresh.chat().completions().withRawResponse().create(
        ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("Still there?").build());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.headers().values("X-Oneapi-Request-Id").get(0);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
