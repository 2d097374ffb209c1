package io.onegate.health.policy;

import io.onegate.common.domain.ChannelStatus;
import io.onegate.common.error.FailureClass;
import io.onegate.common.event.AttemptOutcome;
import io.onegate.health.probe.ProbeResult;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decides, from relay attempt outcomes and test results, whether a channel must be disabled or may be enabled.
 * Pure (no I/O); the per-channel error windows live in memory. Not thread-safe: confine an instance to one
 * Vert.x context (the outcome consumer's).
 *
 * <p>Rules: a dead key (invalid/revoked key, deactivated account, exhausted quota) disables at once; otherwise the
 * failure fraction over the last {@link HealthRules#window()} attempts (none older than the window age) disables
 * once at least {@link HealthRules#minSamples()} attempts are in the window and the fraction reaches the threshold.
 * Every disable needs {@code AutomaticDisableChannelEnabled}. A passing scheduled test enables only an
 * auto-disabled channel (status 3), and only with {@code AutomaticEnableChannelEnabled}. Apart from dead keys a
 * channel does not flip twice within the cool-down.
 */
public final class HealthPolicy {
  private final HealthRules rules;
  private final Clock clock;
  private final Map<Integer, ChannelState> channels = new HashMap<>();

  private static final class ChannelState {
    final ErrorWindow window = new ErrorWindow();
    int knownStatus = ChannelStatus.UNKNOWN;
    long lastFlipMillis = Long.MIN_VALUE;
  }

  public HealthPolicy(HealthRules rules, Clock clock) {
    this.rules = rules;
    this.clock = clock;
  }

  /** Judges one relay attempt outcome. */
  public Decision onAttempt(AttemptOutcome outcome, Switches switches) {
    long now = clock.millis();
    if (outcome.occurredAtMillis() > 0 && outcome.occurredAtMillis() < now - rules.windowAge().toMillis()) {
      return Decision.NONE; // stale (e.g. replayed after downtime): says nothing about the channel now
    }
    ChannelState state = channels.computeIfAbsent(outcome.channelId(), id -> new ChannelState());
    if (state.knownStatus != ChannelStatus.UNKNOWN && state.knownStatus != ChannelStatus.ENABLED) {
      return Decision.NONE;
    }
    FailureClass failure = outcome.failureClass();
    if (failure.keyIsDead()) {
      state.window.add(now, true, rules.window());
      return switches.autoDisable()
          ? Decision.disable("key is dead: " + describe(failure, outcome.httpStatus(), outcome.errorCode()), false)
          : Decision.NONE;
    }
    if (failure != FailureClass.NONE && !failure.countsAgainstChannel()) {
      return Decision.NONE; // the caller's fault or the caller left: not the channel's
    }
    state.window.add(now, failure != FailureClass.NONE, rules.window());
    return judgeErrorRate(state, now, switches);
  }

  private Decision judgeErrorRate(ChannelState state, long now, Switches switches) {
    state.window.expire(now - rules.windowAge().toMillis());
    int size = state.window.size();
    if (rules.threshold() <= 0 || size < rules.minSamples() || !switches.autoDisable()) {
      return Decision.NONE;
    }
    double rate = (double) state.window.failures() / size;
    if (rate < rules.threshold() || inCooldown(state.lastFlipMillis, now)) {
      return Decision.NONE;
    }
    return Decision.disable(String.format(Locale.ROOT,
        "error rate %.0f%% (%d of the last %d attempts failed) reached the threshold %.0f%%",
        rate * 100, state.window.failures(), size, rules.threshold() * 100), true);
  }

  /**
   * Judges a scheduled test of a channel in {@code status} whose status last changed at
   * {@code statusChangedMillis} (0 when never).
   */
  public Decision onTest(int status, long statusChangedMillis, ProbeResult result, Switches switches) {
    long now = clock.millis();
    if (status == ChannelStatus.MANUALLY_DISABLED) {
      return Decision.NONE; // an admin's decision: automation never touches it
    }
    boolean cooling = inCooldown(statusChangedMillis, now);
    double limitMillis = switches.slowTestSeconds() * 1000;
    boolean slow = limitMillis > 0
        && (result.latencyMillis() > limitMillis || result.failureClass() == FailureClass.TIMEOUT);
    if (result.success() && !slow) {
      return status == ChannelStatus.AUTO_DISABLED && switches.autoEnable() && !cooling
          ? Decision.enable("test passed in " + result.latencyMillis() + " ms")
          : Decision.NONE;
    }
    if (status != ChannelStatus.ENABLED || !switches.autoDisable()) {
      return Decision.NONE;
    }
    if (result.failureClass().keyIsDead()) {
      return Decision.disable("test failed, key is dead: "
          + describe(result.failureClass(), result.httpStatus(), result.errorCode()), false);
    }
    if (slow && !cooling) {
      return Decision.disable(String.format(Locale.ROOT, "test took %d ms, over ChannelDisableThreshold %.1f s",
          result.latencyMillis(), switches.slowTestSeconds()), true);
    }
    return Decision.NONE;
  }

  /** Records that the channel now has {@code status} (after a change by this worker: resets its window). */
  public void statusChanged(int channelId, int status) {
    ChannelState state = channels.computeIfAbsent(channelId, id -> new ChannelState());
    state.knownStatus = status;
    state.lastFlipMillis = clock.millis();
    state.window.clear();
  }

  /** Records the channel's current status as read from the database (no flip happened here). */
  public void statusObserved(int channelId, int status) {
    channels.computeIfAbsent(channelId, id -> new ChannelState()).knownStatus = status;
  }

  /** The channel changed elsewhere (admin, another worker): its status is unknown until observed again. */
  public void forget(int channelId) {
    ChannelState state = channels.get(channelId);
    if (state != null) {
      state.knownStatus = ChannelStatus.UNKNOWN;
    }
  }

  /** Backstop for lost notices: every known status becomes unknown. */
  public void forgetAll() {
    channels.values().forEach(state -> state.knownStatus = ChannelStatus.UNKNOWN);
  }

  private boolean inCooldown(long lastFlipMillis, long now) {
    return lastFlipMillis > 0 && now - lastFlipMillis < rules.cooldown().toMillis();
  }

  private static String describe(FailureClass failure, int httpStatus, String errorCode) {
    StringBuilder out = new StringBuilder(failure.name());
    if (httpStatus > 0) {
      out.append(" (HTTP ").append(httpStatus);
      if (!errorCode.isEmpty()) {
        out.append(", ").append(errorCode);
      }
      out.append(')');
    } else if (!errorCode.isEmpty()) {
      out.append(" (").append(errorCode).append(')');
    }
    return out.toString();
  }
}
