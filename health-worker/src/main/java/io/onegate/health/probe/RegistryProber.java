package io.onegate.health.probe;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.providers.registry.ProviderRegistry;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.CredentialException;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.transport.CredentialCache;
import io.onegate.providers.transport.UpstreamCall;
import io.onegate.providers.transport.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The production prober: one minimal non-stream chat completion through the channel's own adaptor (the same
 * translation, credentials and error classification the gateway's relay uses), sent with the same upstream
 * transport. Never fails its future for an upstream problem; never logs the key.
 */
public final class RegistryProber implements ChannelProber {
  private static final long MAX_BODY = 1024 * 1024;
  private static final int MAX_MESSAGE = 200;

  private final ProviderRegistry registry;
  private final UpstreamClient upstream;
  private final CredentialCache credentials;
  private final Clock clock;
  private final Duration timeout;
  private final String prompt;

  public RegistryProber(ProviderRegistry registry, UpstreamClient upstream, CredentialCache credentials, Clock clock,
                        Duration timeout, String prompt) {
    this.registry = registry;
    this.upstream = upstream;
    this.credentials = credentials;
    this.clock = clock;
    this.timeout = timeout;
    this.prompt = prompt;
  }

  @Override
  public Future<ProbeResult> probe(Channel stored, String model) {
    long start = clock.millis();
    Channel channel = registry.effective(stored);
    ProviderAdaptor adaptor = registry.adaptor(channel.type()).orElse(null);
    if (adaptor == null || !adaptor.supports(Endpoint.CHAT_COMPLETIONS)) {
      return Future.succeededFuture(ProbeResult.failed(0, FailureClass.UNKNOWN, 0, "",
          "channel type " + channel.type() + " has no chat adaptor"));
    }
    AttemptSpec spec = new AttemptSpec(channel, Endpoint.CHAT_COMPLETIONS, model, channel.upstreamModel(model),
        false);
    JsonObject body = new JsonObject().put("model", model)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)))
        .put("max_tokens", 5);
    Buffer raw = body.toBuffer();
    Future<String> credential = adaptor.credentialSource() == null
        ? Future.succeededFuture(channel.key())
        : credentials.credential(channel, adaptor.credentialSource());
    return credential
        .compose(key -> upstream.send(adaptor.request(spec, new ClientRequest(raw, "application/json", body), key)))
        .compose(call -> call.readAll(MAX_BODY).map(answer -> {
          call.finish();
          return judge(adaptor, spec, call, answer, clock.millis() - start);
        }))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .recover(err -> Future.succeededFuture(failure(err, clock.millis() - start)));
  }

  private static ProbeResult judge(ProviderAdaptor adaptor, AttemptSpec spec, UpstreamCall call, Buffer answer,
                                   long latency) {
    int status = call.status();
    if (status < 200 || status >= 300) {
      return failed(adaptor.classify(status, call.headers(), answer), status, latency);
    }
    UpstreamFailure inBody = adaptor.failureInBody(spec, answer);
    if (inBody != null) {
      return failed(inBody, status, latency);
    }
    JsonObject json;
    try {
      json = adaptor.response(spec, answer).toJsonObject();
    } catch (RuntimeException e) {
      return ProbeResult.failed(latency, FailureClass.TRANSIENT, status, "", "unreadable answer");
    }
    JsonArray choices = json.getJsonArray("choices");
    Object content = choices == null || choices.isEmpty() || !(choices.getValue(0) instanceof JsonObject first)
        || first.getJsonObject("message") == null ? null : first.getJsonObject("message").getValue("content");
    return content instanceof String text
        ? ProbeResult.ok(latency, status, text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE))
        : ProbeResult.failed(latency, FailureClass.TRANSIENT, status, "", "answer without a text choice");
  }

  private static ProbeResult failed(UpstreamFailure failure, int status, long latency) {
    JsonObject error = failure.clientError();
    String message = error == null ? "HTTP " + status : String.valueOf(error.getValue("message", "HTTP " + status));
    FailureClass cls = failure.failureClass() == FailureClass.NONE ? FailureClass.UNKNOWN : failure.failureClass();
    return ProbeResult.failed(latency, cls, status, failure.errorCode(),
        message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE));
  }

  private static ProbeResult failure(Throwable err, long latency) {
    if (err instanceof CredentialException ce) {
      return failed(ce.failure(), ce.failure().httpStatus(), latency);
    }
    boolean timedOut = err instanceof TimeoutException || err.getCause() instanceof TimeoutException
        || err instanceof io.netty.handler.timeout.TimeoutException;
    return ProbeResult.failed(latency, timedOut ? FailureClass.TIMEOUT : FailureClass.TRANSIENT, 0, "",
        timedOut ? "no answer in time" : "upstream unreachable: " + err.getClass().getSimpleName());
  }
}
