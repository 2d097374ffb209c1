package io.onegate.health.policy;

/**
 * What the policy wants done with a channel: a status flip (DISABLE, ENABLE: PostgreSQL, cluster-wide notice) or a
 * hold that only steers routing (COOL_DOWN, OPEN_BREAKER, CLOSE_BREAKER: the Hazelcast holds map).
 *
 * @param reason         human-readable cause (status_reason and the system log for flips; logged for holds)
 * @param honourCooldown false only for dead keys: routing to them can only fail, so they are disabled at once
 * @param holdUntilMillis COOL_DOWN, OPEN_BREAKER: gateways skip the channel until then (wall clock)
 * @param probeAtMillis  OPEN_BREAKER: when the health worker probes the channel (before {@code holdUntilMillis})
 */
public record Decision(Action action, String reason, boolean honourCooldown, long holdUntilMillis,
                       long probeAtMillis) {
  public static final Decision NONE = new Decision(Action.NONE, "", true, 0, 0);

  public enum Action { NONE, DISABLE, ENABLE, COOL_DOWN, OPEN_BREAKER, CLOSE_BREAKER }

  public static Decision disable(String reason, boolean honourCooldown) {
    return new Decision(Action.DISABLE, reason, honourCooldown, 0, 0);
  }

  public static Decision enable(String reason) {
    return new Decision(Action.ENABLE, reason, true, 0, 0);
  }

  public static Decision coolDown(String reason, long untilMillis) {
    return new Decision(Action.COOL_DOWN, reason, true, untilMillis, 0);
  }

  public static Decision openBreaker(String reason, long probeAtMillis, long holdUntilMillis) {
    return new Decision(Action.OPEN_BREAKER, reason, true, holdUntilMillis, probeAtMillis);
  }

  public static Decision closeBreaker(String reason) {
    return new Decision(Action.CLOSE_BREAKER, reason, true, 0, 0);
  }

  public boolean isNone() {
    return action == Action.NONE;
  }

  /** True for DISABLE and ENABLE (the status writer's job). */
  public boolean isStatusChange() {
    return action == Action.DISABLE || action == Action.ENABLE;
  }
}
