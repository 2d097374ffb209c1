package io.onegate.gateway.relay;

import io.onegate.common.domain.Channel;
import io.onegate.common.event.AttemptError;
import io.onegate.providers.spi.AttemptSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What the chain produced: either a refusal before any upstream call ({@code refusal} set: error and message
 * arguments) or the last attempt's channel, spec and result.
 *
 * @param context the context of the filter that refused (what was known of the request then: the caller, the parsed
 *                request), set by the chain; null for attempts
 * @param errors  the failures of the request's attempts so far, oldest first (error log rows)
 */
public record RelayResult(GatewayError refusal, Object[] refusalArgs, Channel channel, AttemptSpec spec,
                          AttemptResult attempt, RelayContext context, List<AttemptError> errors) {

  public RelayResult {
    errors = List.copyOf(errors);
  }

  static RelayResult refused(GatewayError error, Object... args) {
    return new RelayResult(error, args, null, null, null, null, List.of());
  }

  static RelayResult attempted(Channel channel, AttemptSpec spec, AttemptResult attempt) {
    return new RelayResult(null, null, channel, spec, attempt, null, List.of());
  }

  boolean isRefusal() {
    return refusal != null;
  }

  /** This refusal with the refusing filter's context (kept when one is set already). */
  RelayResult withContext(RelayContext refusedAt) {
    return context != null ? this
        : new RelayResult(refusal, refusalArgs, channel, spec, attempt, refusedAt, errors);
  }

  /** This result after the failures of earlier attempts, {@code earlier} first. */
  RelayResult after(List<AttemptError> earlier) {
    if (earlier.isEmpty()) {
      return this;
    }
    List<AttemptError> all = new ArrayList<>(earlier);
    all.addAll(errors);
    return new RelayResult(refusal, refusalArgs, channel, spec, attempt, context, all);
  }

  /** This attempt's result with its own failure recorded. */
  RelayResult withError(AttemptError error) {
    List<AttemptError> all = new ArrayList<>(errors);
    all.add(error);
    return new RelayResult(refusal, refusalArgs, channel, spec, attempt, context, all);
  }
}
