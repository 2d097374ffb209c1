package io.onegate.providers.transport;

import io.onegate.common.config.Config;
import io.onegate.providers.spi.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Upstream HTTP over pooled, keep-alive Vert.x {@link HttpClient}s (one per event loop of the gateway node).
 * Non-blocking; thread-safe.
 *
 * <p>Two ways to call. {@link #send(UpstreamRequest)} (channel tests, credential exchanges): the connect timeout, an
 * idle timeout (no bytes for that long, before or during the body, fails the call) and, when set, an overall bound
 * after which the request is reset. {@link #send(UpstreamRequest, Limits, Consumer)} (the relay): the connect
 * timeout and the relay's own {@link Limits} only — a first-byte deadline until the response head arrives and a
 * deadline for the whole exchange; no idle timeout (a stream's idle timeout between chunks is the stream relay's).
 * A deadline that passes resets the request with a {@link TimeoutException} naming the limit.
 */
public final class UpstreamClient {

  /**
   * Timeouts and pool size; zero durations mean none.
   *
   * @param idleTimeout      {@code STREAM_IDLE_TIMEOUT}: silence allowed between a started stream's chunks (and the
   *                         idle bound of {@link #send(UpstreamRequest)})
   * @param relayTimeout     {@code RELAY_TIMEOUT}: bound of a whole relayed request (and of one
   *                         {@link #send(UpstreamRequest)} exchange)
   * @param firstByteTimeout {@code UPSTREAM_FIRST_BYTE_TIMEOUT}: wait for an upstream's first byte (relay only)
   */
  public record Settings(Duration connectTimeout, Duration idleTimeout, Duration relayTimeout, int maxConnections,
                         Duration firstByteTimeout) {
    public Settings(Duration connectTimeout, Duration idleTimeout, Duration relayTimeout, int maxConnections) {
      this(connectTimeout, idleTimeout, relayTimeout, maxConnections, Duration.ZERO);
    }

    /** The relay's settings from the configuration. */
    public static Settings relay(Config config) {
      return new Settings(Duration.ofSeconds(config.get(io.onegate.common.config.Settings.UPSTREAM_CONNECT_TIMEOUT)),
          Duration.ofSeconds(config.get(io.onegate.common.config.Settings.STREAM_IDLE_TIMEOUT)),
          Duration.ofSeconds(config.get(io.onegate.common.config.Settings.RELAY_TIMEOUT)),
          config.get(io.onegate.common.config.Settings.UPSTREAM_MAX_CONNECTIONS),
          Duration.ofSeconds(config.get(io.onegate.common.config.Settings.UPSTREAM_FIRST_BYTE_TIMEOUT)));
    }
  }

  /**
   * Deadlines of one relayed exchange, as {@link System#nanoTime()} instants ({@link #NONE}: no deadline).
   *
   * @param firstByte until the response head arrives ({@code firstByteLimit} names the setting in the message)
   * @param whole     until the exchange is over ({@code wholeLimit} names it)
   */
  public record Limits(long firstByte, String firstByteLimit, long whole, String wholeLimit) {
    public static final long NONE = Long.MAX_VALUE;
    public static final Limits UNBOUNDED = new Limits(NONE, "", NONE, "");

    /** The earlier of both deadlines with its name, for the wait before the response head. */
    Limits beforeHead() {
      return firstByte <= whole ? this : new Limits(whole, wholeLimit, whole, wholeLimit);
    }
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
   * Sends the request with the idle and overall bounds of the settings; completes when the response head arrives
   * (body paused), or fails on connect errors and timeouts ({@link TimeoutException}).
   */
  public Future<UpstreamCall> send(UpstreamRequest upstream) {
    long whole = settings.relayTimeout().isZero() ? Limits.NONE
        : System.nanoTime() + settings.relayTimeout().toNanos();
    return send(upstream, settings.idleTimeout().toMillis(), new Limits(Limits.NONE, "", whole, "timeout"),
        reset -> { });
  }

  /**
   * Sends a relayed request under {@code limits} (no idle timeout); {@code onStarted} receives, as soon as the
   * request exists (before the response head), an action that resets it — so a caller whose client left can abort
   * a slow upstream at once. Completes when the response head arrives (body paused).
   */
  public Future<UpstreamCall> send(UpstreamRequest upstream, Limits limits, Consumer<Runnable> onStarted) {
    return send(upstream, 0, limits, onStarted);
  }

  private Future<UpstreamCall> send(UpstreamRequest upstream, long idleMillis, Limits limits,
                                    Consumer<Runnable> onStarted) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.valueOf(upstream.method()))
        .setAbsoluteURI(upstream.url())
        .setConnectTimeout(settings.connectTimeout().toMillis());
    if (idleMillis > 0) {
      options.setIdleTimeout(idleMillis);
    }
    upstream.headers().forEach(options::putHeader);
    HeadWait wait = new HeadWait(limits.beforeHead());
    return client().request(options).compose(request -> {
      onStarted.accept(() -> request.reset(0, new java.util.concurrent.CancellationException("client left")));
      if (!wait.attach(request)) {
        return Future.failedFuture(wait.timeout());
      }
      Future<io.vertx.core.http.HttpClientResponse> sent = upstream.body() == null
          ? request.send() : request.send(upstream.body());
      return sent.map(response -> {
        response.pause();
        wait.stop();
        UpstreamCall call = new UpstreamCall(request, response);
        call.armDeadline(vertx, limits.whole(), limits.wholeLimit());
        return call;
      }).recover(err -> {
        wait.stop();
        return Future.failedFuture(wait.expired ? wait.timeout() : err);
      });
    }, err -> {
      wait.stop();
      return Future.failedFuture(wait.expired ? wait.timeout() : err);
    });
  }

  /**
   * The wait for the response head under its deadline (started before the request exists: the wait for a pooled
   * connection counts). When it passes, the request is reset, or refused as soon as it exists. Event-loop confined.
   */
  private final class HeadWait {
    private final Limits limits;
    private long timer = -1;
    private HttpClientRequest request;
    private boolean expired;

    HeadWait(Limits limits) {
      this.limits = limits;
      if (limits.firstByte() != Limits.NONE) {
        timer = vertx.setTimer(remainingMillis(limits.firstByte()), id -> {
          timer = -1;
          expired = true;
          if (request != null) {
            request.reset(0, timeout());
          }
        });
      }
    }

    /** False when the deadline already passed (the request is reset). */
    boolean attach(HttpClientRequest created) {
      if (expired) {
        created.reset(0, timeout());
        return false;
      }
      request = created;
      return true;
    }

    void stop() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    TimeoutException timeout() {
      return expired(limits.firstByteLimit());
    }
  }

  static long remainingMillis(long deadlineNanos) {
    return Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }

  /** The exception of a passed deadline: its message names the limit. */
  public static TimeoutException expired(String limit) {
    return new TimeoutException(limit);
  }

  /** STREAM_IDLE_TIMEOUT: the silence allowed between a started stream's chunks. */
  public Duration idleTimeout() {
    return settings.idleTimeout();
  }

  /** RELAY_TIMEOUT: the bound of a whole relayed request; zero = none. */
  public Duration relayTimeout() {
    return settings.relayTimeout();
  }

  /** UPSTREAM_FIRST_BYTE_TIMEOUT: the wait for an upstream's first byte; zero = none. */
  public Duration firstByteTimeout() {
    return settings.firstByteTimeout();
  }

  public Future<Void> close() {
    java.util.List<Future<Void>> closing = new java.util.ArrayList<>();
    closing.add(shared.close());
    perEventLoop.values().forEach(c -> closing.add(c.close()));
    return Future.join(closing).mapEmpty();
  }
}
