package io.onegate.providers.transport;

import io.onegate.providers.spi.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Upstream HTTP over pooled, keep-alive Vert.x {@link HttpClient}s (one per event loop of the gateway node). Every call has a connect
 * timeout, an idle timeout (no bytes for that long, before or during the body, fails the call) and, when set, an
 * overall RELAY_TIMEOUT after which the request is reset. Non-blocking; thread-safe.
 */
public final class UpstreamClient {

  /** Timeouts and pool size; {@code relayTimeout} zero means none. */
  public record Settings(Duration connectTimeout, Duration idleTimeout, Duration relayTimeout, int maxConnections) {
  }

  private final Vertx vertx;
  private final HttpClient shared;
  private final java.util.Map<Thread, HttpClient> perEventLoop = new java.util.concurrent.ConcurrentHashMap<>();
  private final Settings settings;

  public UpstreamClient(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.shared = newClient();
  }

  private HttpClient newClient() {
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setConnectTimeout((int) settings.connectTimeout().toMillis())
        .setDecompressionSupported(false)
        .setVerifyHost(true);
    return vertx.httpClientBuilder().with(options)
        .with(new PoolOptions().setHttp1MaxSize(settings.maxConnections()).setHttp2MaxSize(64))
        .build();
  }

  /**
   * The pool of the calling event loop, so that a relayed request and its upstream connection live on one thread
   * (no hand-over between event loops per request); callers off an event loop share one pool. The connection bound
   * is thus per event loop.
   */
  private HttpClient client() {
    io.vertx.core.Context ctx = Vertx.currentContext();
    if (ctx == null || !ctx.isEventLoopContext()) {
      return shared;
    }
    return perEventLoop.computeIfAbsent(Thread.currentThread(), t -> newClient());
  }

  /**
   * Sends the request; completes when the response head arrives (body paused), or fails on connect errors and
   * timeouts ({@link TimeoutException}).
   */
  public Future<UpstreamCall> send(UpstreamRequest upstream) {
    return send(upstream, reset -> { });
  }

  /**
   * As {@link #send(UpstreamRequest)}; {@code onStarted} receives, as soon as the request exists (before the
   * response head), an action that resets it — so a caller whose client left can abort a slow upstream at once.
   */
  public Future<UpstreamCall> send(UpstreamRequest upstream, java.util.function.Consumer<Runnable> onStarted) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.valueOf(upstream.method()))
        .setAbsoluteURI(upstream.url())
        .setIdleTimeout(settings.idleTimeout().toMillis())
        .setConnectTimeout(settings.connectTimeout().toMillis());
    upstream.headers().forEach(options::putHeader);
    return client().request(options).compose(request -> {
      onStarted.accept(() -> request.reset(0, new java.util.concurrent.CancellationException("client left")));
      long timer = settings.relayTimeout().isZero() ? -1 : vertx.setTimer(settings.relayTimeout().toMillis(),
          id -> request.reset(0, new TimeoutException("RELAY_TIMEOUT")));
      Runnable stopTimer = () -> {
        if (timer >= 0) {
          vertx.cancelTimer(timer);
        }
      };
      Future<io.vertx.core.http.HttpClientResponse> sent = upstream.body() == null
          ? request.send() : request.send(upstream.body());
      return sent.map(response -> {
        response.pause();
        return new UpstreamCall(request, response, stopTimer);
      }).onFailure(err -> stopTimer.run());
    });
  }

  /** STREAM_IDLE_TIMEOUT: callers relaying a body enforce it between chunks too. */
  public Duration idleTimeout() {
    return settings.idleTimeout();
  }

  public Future<Void> close() {
    java.util.List<Future<Void>> closing = new java.util.ArrayList<>();
    closing.add(shared.close());
    perEventLoop.values().forEach(c -> closing.add(c.close()));
    return Future.join(closing).mapEmpty();
  }
}
