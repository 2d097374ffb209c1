package io.onegate.health.consume;

import io.onegate.common.cluster.ChannelHold;
import io.onegate.common.options.Options;
import io.onegate.health.policy.Decision;
import io.onegate.health.policy.HealthPolicy;
import io.onegate.health.policy.Switches;
import io.onegate.health.probe.ProbeResult;
import io.onegate.health.state.ChannelHoldWriter;
import io.onegate.health.state.ChannelStatusWriter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the policy's decisions, on the outcome consumer's context (where the policy lives): status flips
 * through the {@link ChannelStatusWriter} (then tells the policy the channel's status), holds through the
 * {@link ChannelHoldWriter}, and breaker probes on timers: when an open breaker's probe time comes the channel is
 * probed (recorded like the admin's "test channel") and the policy judges the result.
 */
public final class ChannelActions {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelActions.class);

  /** Probes one channel; fails when the channel no longer exists or is not enabled. */
  @FunctionalInterface
  public interface BreakerProbe {
    Future<ProbeResult> probe(int channelId);
  }

  private final Context context;
  private final HealthPolicy policy;
  private final ChannelStatusWriter writer;
  private final ChannelHoldWriter holds;
  private final BreakerProbe probe;
  private final Supplier<Options> options;
  private final Clock clock;
  private final Consumer<Decision> observer;
  private final Map<Integer, Long> probeTimers = new HashMap<>();

  public ChannelActions(Context context, HealthPolicy policy, ChannelStatusWriter writer, ChannelHoldWriter holds,
                        BreakerProbe probe, Supplier<Options> options, Clock clock, Consumer<Decision> observer) {
    this.context = context;
    this.policy = policy;
    this.writer = writer;
    this.holds = holds;
    this.probe = probe;
    this.options = options;
    this.clock = clock;
    this.observer = observer;
  }

  /** Carries out {@code decision} for the channel; call on the context. */
  public void apply(int channelId, Decision decision) {
    if (decision.isNone()) {
      return;
    }
    observer.accept(decision);
    switch (decision.action()) {
      case DISABLE, ENABLE -> flip(channelId, decision);
      case COOL_DOWN -> holds.hold(channelId, new ChannelHold(ChannelHold.Kind.COOL_DOWN, decision.holdUntilMillis()),
          clock.millis());
      case OPEN_BREAKER -> {
        LOG.info("channel {}: {}; probe in {} ms", channelId, decision.reason(),
            decision.probeAtMillis() - clock.millis());
        holds.hold(channelId, new ChannelHold(ChannelHold.Kind.BREAKER_OPEN, decision.holdUntilMillis()),
            clock.millis());
        scheduleProbe(channelId, decision.probeAtMillis());
      }
      case CLOSE_BREAKER -> {
        LOG.info("channel {}: {}", channelId, decision.reason());
        holds.release(channelId);
      }
      case NONE -> {
      }
    }
  }

  private void flip(int channelId, Decision decision) {
    writer.apply(channelId, decision)
        .onSuccess(result -> {
          if (result.change().isPresent()) {
            policy.statusChanged(channelId, result.currentStatus());
            holds.release(channelId); // a flipped channel starts afresh (a disabled one is not routed to anyway)
          } else {
            policy.statusObserved(channelId, result.currentStatus());
          }
        })
        .onFailure(err -> LOG.warn("could not apply {} to channel {}: {}", decision.action(), channelId,
            err.getMessage()));
  }

  private void scheduleProbe(int channelId, long atMillis) {
    Long previous = probeTimers.remove(channelId);
    if (previous != null) {
      context.owner().cancelTimer(previous);
    }
    long delay = Math.max(1, atMillis - clock.millis());
    probeTimers.put(channelId, context.owner().setTimer(delay, id -> context.runOnContext(v -> {
      probeTimers.remove(channelId, id);
      runProbe(channelId);
    })));
  }

  private void runProbe(int channelId) {
    probe.probe(channelId).onComplete(ar -> context.runOnContext(v -> {
      if (ar.succeeded()) {
        apply(channelId, policy.onProbe(channelId, ar.result(), Switches.from(options.get())));
      } else {
        LOG.info("channel {}: breaker probe not possible ({}): breaker closed", channelId, ar.cause().getMessage());
        policy.breakerGone(channelId);
        holds.release(channelId);
      }
    }));
  }

  /** Cancels the pending probes (stop). */
  public void stop() {
    probeTimers.values().forEach(context.owner()::cancelTimer);
    probeTimers.clear();
  }
}
