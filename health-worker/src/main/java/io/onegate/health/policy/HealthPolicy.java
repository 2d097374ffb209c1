package io.onegate.health.policy;

import io.onegate.common.domain.ChannelStatus;
import io.onegate.common.error.FailureClass;
import io.onegate.common.event.AttemptOutcome;
import io.onegate.health.probe.ProbeResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decides, from relay attempt outcomes, breaker probes and scheduled tests, what happens to a channel. Pure (no
 * I/O); the per-channel windows and breaker states live in memory. Not thread-safe: confine an instance to one
 * Vert.x context (the outcome consumer's).
 *
 * <p>Only failures the channel is answerable for count ({@link FailureClass#channelFault()}):
 * <ul>
 *   <li>a dead key (invalid/revoked key, deactivated account, exhausted quota) disables at once (status 3), with
 *   {@code AutomaticDisableChannelEnabled};</li>
 *   <li>a 429 cools the channel down for its retry-after (or the default), never a step towards disabling;</li>
 *   <li>transient failures (5xx, timeouts, connection errors) open the channel's circuit breaker after
 *   {@link HealthRules.Holds#consecutiveFailures()} in a row, or when their fraction of the last
 *   {@link HealthRules#window()} attempts (at least {@link HealthRules#minSamples()}) reaches the threshold; the
 *   breaker is probed after its open time and closes when a probe passes, else it is probed again after twice the
 *   time (capped). An open breaker is a hold, never a status change;</li>
 *   <li>client errors (400, 413, 422, a route or model the upstream lacks), the client leaving and unclassified
 *   failures say nothing about the channel.</li>
 * </ul>
 * A passing scheduled test enables only an auto-disabled channel (status 3), and only with
 * {@code AutomaticEnableChannelEnabled}; a scheduled test slower than {@code ChannelDisableThreshold} disables (One
 * API's rule). Apart from dead keys a channel does not flip twice within the cool-down.
 */
public final class HealthPolicy {
  private final HealthRules rules;
  private final Clock clock;
  private final Map<Integer, ChannelState> channels = new HashMap<>();

  private static final class ChannelState {
    final ErrorWindow window = new ErrorWindow();
    int knownStatus = ChannelStatus.UNKNOWN;
    long lastFlipMillis = Long.MIN_VALUE;
    /**
     * Times of the transient failures since the latest success, by when they happened: outcomes of several gateway
     * nodes arrive interleaved (each node batches its own), so a success only ends the run of failures after it.
     */
    final ArrayDeque<Long> failuresInARow = new ArrayDeque<>();
    long lastSuccessMillis;
    boolean breakerOpen;
    int trips; // openings since the breaker last closed: the probe back-off's exponent
    long coolingUntilMillis;

    void closeBreaker() {
      breakerOpen = false;
      trips = 0;
      failuresInARow.clear();
      window.clear();
    }

    void failedAt(long millis, int keep) {
      if (millis > lastSuccessMillis) {
        failuresInARow.addLast(millis);
        while (failuresInARow.size() > Math.max(1, keep)) {
          failuresInARow.removeFirst();
        }
      }
    }

    void succeededAt(long millis) {
      lastSuccessMillis = Math.max(lastSuccessMillis, millis);
      failuresInARow.removeIf(at -> at <= millis);
    }
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
    return switch (failure.channelFault()) {
      case DEAD_KEY -> switches.autoDisable()
          ? Decision.disable("key is dead: " + describe(failure, outcome.httpStatus(), outcome.errorCode()), false)
          : Decision.NONE;
      case COOL_DOWN -> coolDown(state, now, outcome);
      case TRANSIENT -> {
        state.window.add(now, true, rules.window());
        state.failedAt(happened(outcome, now), rules.holds().consecutiveFailures());
        yield judgeBreaker(state, now, failure, outcome.httpStatus());
      }
      case NONE -> {
        if (failure == FailureClass.NONE) {
          state.window.add(now, false, rules.window());
          state.succeededAt(happened(outcome, now));
        }
        yield Decision.NONE; // otherwise the caller's fault, the caller left, or nothing known: not the channel's
      }
    };
  }

  private static long happened(AttemptOutcome outcome, long now) {
    return outcome.occurredAtMillis() > 0 ? outcome.occurredAtMillis() : now;
  }

  private Decision coolDown(ChannelState state, long now, AttemptOutcome outcome) {
    Duration wait = rules.holds().coolDown(outcome.retryAfterMillis());
    long until = now + wait.toMillis();
    if (wait.isZero() || until <= state.coolingUntilMillis || state.breakerOpen) {
      // cool-downs off, already cooling at least as long (no write per 429), or the open breaker's hold (one hold
      // per channel) already keeps the channel out until its probe
      return Decision.NONE;
    }
    state.coolingUntilMillis = until;
    return Decision.coolDown("rate limited (HTTP " + outcome.httpStatus() + "): cooling down for "
        + wait.toMillis() + " ms" + (outcome.retryAfterMillis() > 0 ? " as retry-after asked" : ""), until);
  }

  private Decision judgeBreaker(ChannelState state, long now, FailureClass failure, int httpStatus) {
    state.window.expire(now - rules.windowAge().toMillis());
    if (state.breakerOpen || !rules.holds().breakersOn()) {
      return Decision.NONE;
    }
    int inARow = rules.holds().consecutiveFailures();
    int size = state.window.size();
    double rate = size == 0 ? 0 : (double) state.window.failures() / size;
    String reason;
    if (inARow > 0 && state.failuresInARow.size() >= inARow) {
      reason = String.format(Locale.ROOT, "%d transient failures in a row (last %s)", state.failuresInARow.size(),
          describe(failure, httpStatus, ""));
    } else if (rules.threshold() > 0 && size >= rules.minSamples() && rate >= rules.threshold()) {
      reason = String.format(Locale.ROOT,
          "transient failure rate %.0f%% (%d of the last %d attempts) reached the threshold %.0f%%",
          rate * 100, state.window.failures(), size, rules.threshold() * 100);
    } else {
      return Decision.NONE;
    }
    return open(state, now, "breaker opened: " + reason);
  }

  private Decision open(ChannelState state, long now, String reason) {
    long probeAt = now + rules.holds().openTime(state.trips).toMillis();
    state.breakerOpen = true;
    state.trips++;
    return Decision.openBreaker(reason, probeAt, probeAt + rules.holds().probeGrace().toMillis());
  }

  /**
   * Judges a breaker probe of an open channel: a pass (or an answer that is not the channel's fault, e.g. no chat
   * model to probe with, or a 429: the upstream is up) closes the breaker; a transient failure keeps it open until
   * the next probe after twice the time (capped); a dead key disables the channel. NONE when the breaker is not open
   * (closed meanwhile).
   */
  public Decision onProbe(int channelId, ProbeResult result, Switches switches) {
    ChannelState state = channels.get(channelId);
    if (state == null || !state.breakerOpen) {
      return Decision.NONE;
    }
    FailureClass failure = result.failureClass();
    String what = describe(failure, result.httpStatus(), result.errorCode());
    switch (failure.channelFault()) {
      case TRANSIENT:
        return open(state, clock.millis(), "breaker probe failed: " + what);
      case DEAD_KEY:
        if (switches.autoDisable()) {
          state.closeBreaker();
          return Decision.disable("breaker probe failed, key is dead: " + what, false);
        }
        return open(state, clock.millis(), "breaker probe failed: " + what);
      default:
        state.closeBreaker();
        return Decision.closeBreaker(result.success() ? "breaker probe passed in " + result.latencyMillis() + " ms"
            : "breaker probe answered " + what + ": not the channel's fault, closed");
    }
  }

  /** The channel's breaker state is gone (e.g. the channel was deleted): the breaker counts as closed. */
  public void breakerGone(int channelId) {
    ChannelState state = channels.get(channelId);
    if (state != null) {
      state.closeBreaker();
    }
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

  /** Records that the channel now has {@code status} (after a change by this worker: resets its breaker). */
  public void statusChanged(int channelId, int status) {
    ChannelState state = channels.computeIfAbsent(channelId, id -> new ChannelState());
    state.knownStatus = status;
    state.lastFlipMillis = clock.millis();
    state.closeBreaker();
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
