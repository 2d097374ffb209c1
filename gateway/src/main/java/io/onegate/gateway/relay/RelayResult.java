package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.onegate.providers.spi.AttemptSpec;

/**
 * What the chain produced: either a refusal before any upstream call ({@code refusal} set: error and message
 * arguments) or the last attempt's channel, spec and result.
 */
public record RelayResult(GatewayError refusal, Object[] refusalArgs, Channel channel, AttemptSpec spec,
                          AttemptResult attempt) {

  static RelayResult refused(GatewayError error, Object... args) {
    return new RelayResult(error, args, null, null, null);
  }

  static RelayResult attempted(Channel channel, AttemptSpec spec, AttemptResult attempt) {
    return new RelayResult(null, null, channel, spec, attempt);
  }

  boolean isRefusal() {
    return refusal != null;
  }
}
