package io.onegate.providers.spi;

import io.onegate.common.domain.Channel;
import java.util.Objects;

/**
 * What one upstream attempt is: the channel, the endpoint, the model the client asked for and the model sent
 * upstream (after the channel's mapping), and whether the client asked for a stream. Immutable, per attempt.
 */
public record AttemptSpec(Channel channel, Endpoint endpoint, String requestedModel, String upstreamModel,
                          boolean stream) {
  public AttemptSpec {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(endpoint, "endpoint");
    requestedModel = requestedModel == null ? "" : requestedModel;
    upstreamModel = upstreamModel == null ? requestedModel : upstreamModel;
  }
}
