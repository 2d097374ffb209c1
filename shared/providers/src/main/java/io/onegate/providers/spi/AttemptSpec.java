package io.onegate.providers.spi;

import io.onegate.common.domain.Channel;
import java.util.Objects;

/**
 * What one upstream attempt is: the channel, the endpoint, the model the client asked for and the model sent
 * upstream (after the channel's mapping), whether the client asked for a stream, and whether it asked for the
 * stream's usage chunk ({@code stream_options.include_usage}; translated dialects send one only then, as OpenAI
 * does). Immutable, per attempt.
 */
public record AttemptSpec(Channel channel, Endpoint endpoint, String requestedModel, String upstreamModel,
                          boolean stream, boolean includeUsage) {
  public AttemptSpec {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(endpoint, "endpoint");
    requestedModel = requestedModel == null ? "" : requestedModel;
    upstreamModel = upstreamModel == null ? requestedModel : upstreamModel;
  }

  /** An attempt whose stream (if any) ends with the usage chunk. */
  public AttemptSpec(Channel channel, Endpoint endpoint, String requestedModel, String upstreamModel,
                     boolean stream) {
    this(channel, endpoint, requestedModel, upstreamModel, stream, stream);
  }
}
