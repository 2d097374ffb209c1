package io.onegate.gateway.relay;

import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.Endpoint;

/**
 * A parsed client request: the endpoint, the requested model, stream flag, {@code max_tokens} (0 when absent)
 * and the body as received (raw bytes kept for pass-through). Immutable, per request.
 *
 * @param audioSeconds the uploaded audio's duration read from its header ({@link AudioDuration}; transcriptions
 *                     and translations), 0 when unknown
 */
public record RelayRequest(Endpoint endpoint, String model, boolean stream, long maxTokens, ClientRequest body,
                           double audioSeconds) {

  RelayRequest(Endpoint endpoint, String model, boolean stream, long maxTokens, ClientRequest body) {
    this(endpoint, model, stream, maxTokens, body, 0);
  }
}
