package io.onegate.health.policy;

/**
 * What the policy wants done with a channel.
 *
 * @param reason          human-readable cause, written to the channel's status_reason and the system log
 * @param honourCooldown  false only for dead keys: routing to them can only fail, so they are disabled at once
 */
public record Decision(Action action, String reason, boolean honourCooldown) {
  public static final Decision NONE = new Decision(Action.NONE, "", true);

  public enum Action { NONE, DISABLE, ENABLE }

  public static Decision disable(String reason, boolean honourCooldown) {
    return new Decision(Action.DISABLE, reason, honourCooldown);
  }

  public static Decision enable(String reason) {
    return new Decision(Action.ENABLE, reason, true);
  }

  public boolean isNone() {
    return action == Action.NONE;
  }
}
