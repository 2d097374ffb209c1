package io.onegate.deploy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A steady, bounded load from the official OpenAI SDK spread round-robin over gateways, as behind a load balancer:
 * a request whose connection is refused moves to the next gateway; any other failure is a client error (a POST is
 * never blindly retried). Every fourth request streams. Records the request id of every request answered 200 (a
 * stream only once it ran to its end) and every client error with its time.
 */
final class BalancedLoad implements AutoCloseable {
  /** A failure the client saw: when, through which gateway, what. */
  record ClientError(long atNanos, int gateway, String what) {
  }

  /** A request answered 200 (a stream: run to its end): its request id, the gateway and when. */
  record Answer(String requestId, int gateway, long atNanos) {
  }

  private final List<OpenAIClient> clients;
  private final String model;
  private final Queue<Answer> answered = new ConcurrentLinkedQueue<>();
  private final Queue<ClientError> errors = new ConcurrentLinkedQueue<>();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLong sent = new AtomicLong();
  private final Queue<Long> skipped = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final ThreadPoolExecutor workers = (ThreadPoolExecutor) Executors.newFixedThreadPool(24);
  private volatile Consumer<Answer> afterAnswer = a -> { };

  BalancedLoad(List<String> gatewayUrls, String key, String model) {
    this.clients = gatewayUrls.stream().map(url -> OpenAIOkHttpClient.builder().apiKey("sk-" + key)
        .baseUrl(url + "/v1").maxRetries(0).timeout(Duration.ofSeconds(20)).build()).toList();
    this.model = model;
  }

  /** Sends {@code perSecond} requests a second until closed (skipped, never queued, when all workers are busy). */
  void start(int perSecond) {
    ticker.scheduleAtFixedRate(() -> {
      if (workers.getActiveCount() >= workers.getMaximumPoolSize()) {
        skipped.add(System.nanoTime());
        return;
      }
      workers.execute(this::one);
    }, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
  }

  /** Runs {@code hook} right after the next request answered 200 (at most once per arming). */
  void afterNextAnswer(Consumer<Answer> hook) {
    afterAnswer = hook;
  }

  private void one() {
    long n = sent.incrementAndGet();
    int first = Math.floorMod(next.getAndIncrement(), clients.size());
    for (int k = 0; k < clients.size(); k++) {
      int g = (first + k) % clients.size();
      try {
        Answer answer = new Answer(n % 4 == 0 ? stream(clients.get(g)) : chat(clients.get(g)), g,
            System.nanoTime());
        answered.add(answer);
        Consumer<Answer> hook = afterAnswer;
        afterAnswer = x -> { };
        hook.accept(answer);
        return;
      } catch (RuntimeException e) {
        if (!refused(e)) {
          errors.add(new ClientError(System.nanoTime(), g, describe(e)));
          return;
        }
      }
    }
    errors.add(new ClientError(System.nanoTime(), -1, "every gateway refused the connection"));
  }

  private String chat(OpenAIClient sdk) {
    HttpResponseFor<ChatCompletion> response = sdk.chat().completions().withRawResponse().create(params());
    if (response.statusCode() != 200 || response.parse().choices().isEmpty()) {
      throw new IllegalStateException("HTTP " + response.statusCode());
    }
    return response.headers().values("X-Oneapi-Request-Id").get(0);
  }

  private String stream(OpenAIClient sdk) {
    HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw = sdk.chat().completions().withRawResponse()
        .createStreaming(params());
    String id = raw.headers().values("X-Oneapi-Request-Id").get(0);
    String[] finish = {""};
    try (StreamResponse<ChatCompletionChunk> s = raw.parse()) {
      s.stream().forEach(chunk -> chunk.choices().forEach(c -> c.finishReason().ifPresent(f -> finish[0] =
          f.asString())));
    }
    if (!"stop".equals(finish[0])) {
      throw new IllegalStateException("stream " + id + " ended without finishing");
    }
    return id;
  }

  private ChatCompletionCreateParams params() {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello").build();
  }

  /** The exception and its root cause, e.g. {@code OpenAIIoException: Request failed <- EOFException: …}. */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String head = e.getClass().getSimpleName() + ": " + e.getMessage();
    return root == e ? head : head + " <- " + root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  private static boolean refused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  /** Request ids of every answer. */
  Set<String> answered() {
    return answered.stream().map(Answer::requestId).collect(Collectors.toSet());
  }

  /** Request ids answered by {@code gateway} within {@code window} before {@code atNanos}. */
  Set<String> answeredBefore(int gateway, long atNanos, Duration window) {
    return answered.stream().filter(a -> a.gateway() == gateway && a.atNanos() - atNanos <= 0
        && atNanos - a.atNanos() <= window.toNanos()).map(Answer::requestId).collect(Collectors.toSet());
  }

  List<ClientError> errors() {
    return List.copyOf(errors);
  }

  /** Client errors between two instants of {@link System#nanoTime}. */
  long errorsBetween(long fromNanos, long toNanos) {
    return errors.stream().filter(e -> e.atNanos() - fromNanos >= 0 && toNanos - e.atNanos() >= 0).count();
  }

  long sent() {
    return sent.get();
  }

  long skipped() {
    return skipped.size();
  }

  /** Ticks skipped (all workers busy: requests hanging) between two instants of {@link System#nanoTime}. */
  long skippedBetween(long fromNanos, long toNanos) {
    return skipped.stream().filter(t -> t - fromNanos >= 0 && toNanos - t >= 0).count();
  }

  /** Stops sending and waits for the requests in flight. */
  @Override
  public void close() throws InterruptedException {
    ticker.shutdownNow();
    workers.shutdown();
    workers.awaitTermination(60, TimeUnit.SECONDS);
  }
}
