package io.onegate.gateway.relay;

import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.CredentialException;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.UpstreamRequest;
import io.onegate.providers.spi.Usage;
import io.onegate.providers.transport.CredentialCache;
import io.onegate.providers.transport.UpstreamCall;
import io.onegate.providers.transport.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.TimeoutException;

/**
 * Performs one upstream attempt: builds the request with the channel's adaptor, sends it, and on success relays
 * the answer to the client (whole body, SSE stream, or binary audio stream) except its last write, which the
 * result's {@link ClientFinish} holds back for the settle step; on failure classifies it without writing anything,
 * so the caller may retry elsewhere. Never throws; stateless.
 *
 * <p>Timeouts (One API's meaning, docs/relay.md): {@code RELAY_TIMEOUT} bounds the whole request from its start
 * (every attempt); {@code UPSTREAM_FIRST_BYTE_TIMEOUT} (or the channel's {@code first_byte_timeout}) bounds one
 * attempt's wait for its first byte — the response head, and for a stream its first chunk;
 * {@code STREAM_IDLE_TIMEOUT} applies only between the chunks of a started stream. Zero means none.
 */
final class Dispatcher {
  private static final long MAX_BODY = 64L * 1024 * 1024;
  private static final long MAX_ERROR_BODY = 1024 * 1024;
  /** A channel's own first-byte timeout in seconds, in its config JSON. */
  static final String FIRST_BYTE_KEY = "first_byte_timeout";

  private final UpstreamClient upstream;
  private final CredentialCache credentials;
  private final TokenEstimator estimator;

  Dispatcher(UpstreamClient upstream, CredentialCache credentials, TokenEstimator estimator) {
    this.upstream = upstream;
    this.credentials = credentials;
    this.estimator = estimator;
  }

  /**
   * One attempt of a request that started at {@code requestStartNanos} ({@link System#nanoTime()}: the
   * RELAY_TIMEOUT deadline counts from there).
   */
  Future<AttemptResult> attempt(ProviderAdaptor adaptor, AttemptSpec spec, RelayRequest request,
                                ClientLink client, long promptEstimate, long requestStartNanos) {
    if (!adaptor.supports(spec.endpoint())) {
      return Future.succeededFuture(AttemptResult.failed(GatewayError.UPSTREAM_UNREACHABLE.failure(
          FailureClass.MODEL_UNAVAILABLE, "channel type " + spec.channel().type() + " does not serve "
              + spec.endpoint().path())));
    }
    Future<String> credential = adaptor.credentialSource() == null
        ? Future.succeededFuture(spec.channel().key())
        : credentials.credential(spec.channel(), adaptor.credentialSource());
    UpstreamClient.Limits limits = limits(spec.channel(), requestStartNanos);
    return credential
        .compose(key -> send(adaptor.request(spec, request.body(), key), limits, client))
        .compose(call -> onResponse(adaptor, spec, request, client, call, promptEstimate, limits),
            err -> Future.succeededFuture(client.closed() ? AttemptResult.aborted(Usage.NONE)
                : AttemptResult.failed(err instanceof CredentialException ce ? ce.failure() : networkFailure(err))))
        .onSuccess(result -> invalidateStaleCredential(adaptor, spec, result));
  }

  /** A failure the dialect says comes from a stale exchanged credential (Baidu 110/111, Zhipu 1003) drops it. */
  private void invalidateStaleCredential(ProviderAdaptor adaptor, AttemptSpec spec, AttemptResult result) {
    if (adaptor.credentialSource() != null && result.failure() != null
        && adaptor.credentialSource().invalidates(result.failure())) {
      credentials.invalidate(spec.channel());
    }
  }

  /** The deadlines of an attempt starting now, of a request that started at {@code requestStartNanos}. */
  UpstreamClient.Limits limits(io.onegate.common.domain.Channel channel, long requestStartNanos) {
    long whole = upstream.relayTimeout().isZero() ? UpstreamClient.Limits.NONE
        : requestStartNanos + upstream.relayTimeout().toNanos();
    boolean own = channelFirstByte(channel) != null;
    long firstByteSeconds = firstByteSeconds(channel, upstream.firstByteTimeout().toSeconds());
    long firstByte = firstByteSeconds == 0 ? UpstreamClient.Limits.NONE
        : System.nanoTime() + firstByteSeconds * 1_000_000_000L;
    return new UpstreamClient.Limits(firstByte, limitName(own ? "first_byte_timeout of channel " + channel.id()
        : "UPSTREAM_FIRST_BYTE_TIMEOUT", firstByteSeconds * 1000), whole,
        limitName("RELAY_TIMEOUT", upstream.relayTimeout().toMillis()));
  }

  /** The channel's {@code first_byte_timeout} (seconds, in its config JSON) when set and valid, else the setting. */
  static long firstByteSeconds(io.onegate.common.domain.Channel channel, long setting) {
    Long own = channelFirstByte(channel);
    return own == null ? setting : own;
  }

  private static Long channelFirstByte(io.onegate.common.domain.Channel channel) {
    String own = channel.config().get(FIRST_BYTE_KEY);
    if (own == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(own.trim());
      return seconds >= 0 && seconds <= 86_400 ? seconds : null;
    } catch (NumberFormatException e) {
      return null; // not a number: the setting applies
    }
  }

  /** "RELAY_TIMEOUT = 5 s": the limit and its value, as a timeout's message names it. */
  static String limitName(String limit, long millis) {
    return limit + " = " + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms");
  }

  private Future<UpstreamCall> send(UpstreamRequest request, UpstreamClient.Limits limits, ClientLink client) {
    Future<UpstreamCall> sent = upstream.send(request, limits, reset -> client.onClose(reset));
    // If the client leaves before the head arrives, the call is reset as soon as it exists.
    return sent.onSuccess(call -> {
      client.clearOnClose();
      if (client.closed()) {
        call.cancel();
      }
    }).compose(call -> client.closed() ? Future.failedFuture("client closed") : Future.succeededFuture(call));
  }

  private Future<AttemptResult> onResponse(ProviderAdaptor adaptor, AttemptSpec spec, RelayRequest request,
                                           ClientLink client, UpstreamCall call, long promptEstimate,
                                           UpstreamClient.Limits limits) {
    int status = call.status();
    String contentType = call.headers().get("Content-Type");
    boolean jsonAnswer = contentType != null && contentType.startsWith("application/json");
    if (status < 200 || status >= 300 || (spec.stream() && jsonAnswer)) {
      return call.readAll(MAX_ERROR_BODY).map(body -> AttemptResult.failed(adaptor.classify(status, call.headers(),
          body))).otherwise(err -> AttemptResult.failed(networkFailure(err, call)));
    }
    if (spec.stream()) {
      StreamTranslator translator = adaptor.streamTranslator(spec);
      return new StreamRelay(client, call, translator, adaptor.passThrough(spec), adaptor.framing(spec),
          t -> streamUsage(spec, t, promptEstimate), io.vertx.core.Vertx.currentContext().owner(),
          new StreamRelay.Timeouts(limits.firstByte(), limits.firstByteLimit(), upstream.idleTimeout().toMillis(),
              limitName("STREAM_IDLE_TIMEOUT", upstream.idleTimeout().toMillis()))).run();
    }
    if (spec.endpoint() == Endpoint.AUDIO_SPEECH) {
      return binary(client, call, contentType);
    }
    client.onClose(call::cancel);
    return call.readAll(MAX_BODY).map(raw -> {
      client.clearOnClose();
      UpstreamFailure inBody = adaptor.failureInBody(spec, raw);
      if (inBody != null) {
        return AttemptResult.failed(inBody);
      }
      if (client.closed()) {
        return AttemptResult.aborted(Usage.NONE);
      }
      Buffer body = adaptor.response(spec, raw);
      Usage usage = adaptor.usage(spec, body);
      if (!usage.reported()) {
        long completion = estimator.count(spec.upstreamModel(), ResponseText.of(spec.endpoint(), body, contentType));
        usage = new Usage(promptEstimate, completion, Usage.Source.ESTIMATED, usage.audioSeconds());
      }
      HttpServerResponse out = client.response();
      out.setStatusCode(status).putHeader("Content-Type", contentType == null ? "application/json" : contentType);
      return AttemptResult.delivered(status, usage, ClientFinish.of(() -> out.end(body)));
    }).otherwise(err -> client.closed() ? AttemptResult.aborted(Usage.NONE)
        : AttemptResult.failed(networkFailure(err, call)));
  }

  /** Audio speech: the binary body streams through with backpressure; billing does not depend on it. */
  private Future<AttemptResult> binary(ClientLink client, UpstreamCall call, String contentType) {
    Promise<AttemptResult> done = Promise.promise();
    HttpServerResponse out = client.response();
    var in = call.response();
    boolean[] started = {false};
    client.onClose(() -> {
      done.tryComplete(AttemptResult.aborted(started[0] ? new Usage(0, 0, Usage.Source.ESTIMATED) : Usage.NONE));
      call.cancel();
    });
    in.handler(chunk -> {
      if (!started[0]) {
        started[0] = true;
        out.setStatusCode(200).setChunked(true)
            .putHeader("Content-Type", contentType == null ? "audio/mpeg" : contentType);
      }
      out.write(chunk);
      if (out.writeQueueFull()) {
        in.pause();
        out.drainHandler(v -> in.resume());
      }
    });
    in.endHandler(v -> {
      call.finish();
      client.clearOnClose();
      if (!started[0]) {
        out.setStatusCode(200).putHeader("Content-Type", contentType == null ? "audio/mpeg" : contentType);
      }
      done.tryComplete(AttemptResult.delivered(200, new Usage(0, 0, Usage.Source.ESTIMATED),
          ClientFinish.of(out::end)));
    });
    in.exceptionHandler(err -> {
      call.finish();
      client.clearOnClose();
      if (!started[0]) {
        done.tryComplete(AttemptResult.failed(networkFailure(err, call)));
      } else {
        out.reset();
        done.tryComplete(AttemptResult.truncated(networkFailure(err, call), Usage.NONE, ClientFinish.NONE));
      }
    });
    in.resume();
    return done.future();
  }

  private Usage streamUsage(AttemptSpec spec, StreamTranslator translator, long promptEstimate) {
    Usage reported = translator.usage();
    if (reported.reported()) {
      return reported;
    }
    return new Usage(promptEstimate, estimator.count(spec.upstreamModel(), translator.deliveredText()),
        Usage.Source.ESTIMATED);
  }

  /** A failure while reading {@code call}'s body: a timeout when its deadline cut it. */
  static UpstreamFailure networkFailure(Throwable err, UpstreamCall call) {
    return call.expiredLimit() != null ? timeout(call.expiredLimit()) : networkFailure(err);
  }

  /** The failure of an attempt cut by {@code limit} ("RELAY_TIMEOUT = 5 s"). */
  static UpstreamFailure timeout(String limit) {
    return GatewayError.UPSTREAM_TIMEOUT.failure(FailureClass.TIMEOUT, limit);
  }

  static UpstreamFailure networkFailure(Throwable err) {
    if (err instanceof TimeoutException t) {
      return timeout(t.getMessage());
    }
    if (err.getCause() instanceof TimeoutException t) {
      return timeout(t.getMessage());
    }
    String reason = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    return GatewayError.UPSTREAM_UNREACHABLE.failure(FailureClass.TRANSIENT, reason);
  }
}
