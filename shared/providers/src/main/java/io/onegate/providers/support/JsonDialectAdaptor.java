package io.onegate.providers.support;

import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.Usage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The shared frame of dialects that answer with their own JSON (never passed through): bodies are parsed once
 * here, an unreadable 2xx body is a malformed-answer failure, and usage is read from the translated OpenAI body.
 * Subclasses supply only the dialect's parts.
 */
public abstract class JsonDialectAdaptor implements ProviderAdaptor {

  /** The error carried in a parsed 2xx body, or null when the body is a normal answer. */
  protected abstract UpstreamFailure errorInBody(JsonObject body);

  /** The parsed successful body translated into the OpenAI response body. */
  protected abstract JsonObject translate(AttemptSpec spec, JsonObject body);

  /** A non-2xx answer classified from its status and parsed body (null when unreadable). */
  protected abstract UpstreamFailure classifyError(int status, JsonObject body);

  @Override
  public final boolean passThrough(AttemptSpec spec) {
    return false;
  }

  @Override
  public final UpstreamFailure failureInBody(AttemptSpec spec, Buffer body) {
    JsonObject json = Json.object(body);
    return json == null ? UpstreamErrors.malformed(200) : errorInBody(json);
  }

  @Override
  public final Buffer response(AttemptSpec spec, Buffer upstreamBody) {
    JsonObject json = Json.object(upstreamBody);
    return translate(spec, json == null ? new JsonObject() : json).toBuffer();
  }

  @Override
  public final Usage usage(AttemptSpec spec, Buffer openAiResponseBody) {
    return OpenAiBodies.usageOf(openAiResponseBody);
  }

  @Override
  public final UpstreamFailure classify(int status, MultiMap headers, Buffer body) {
    return UpstreamErrors.withRetryAfter(classifyError(status, Json.object(body)), headers);
  }
}
