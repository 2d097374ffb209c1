package io.onegate.health.policy;

import io.onegate.common.options.Options;

/**
 * One API's channel-automation options, read from the live {@link Options} snapshot.
 *
 * @param autoDisable      {@code AutomaticDisableChannelEnabled}: every automatic disable (dead key, error rate,
 *                         slow test) needs it (One API let its metric rule ignore it; OneGate does not)
 * @param autoEnable       {@code AutomaticEnableChannelEnabled}: a passing scheduled test re-enables an
 *                         auto-disabled channel (never a manually disabled one)
 * @param slowTestSeconds  {@code ChannelDisableThreshold}: a test slower than this fails; 0 turns the check off
 */
public record Switches(boolean autoDisable, boolean autoEnable, double slowTestSeconds) {

  public static Switches from(Options options) {
    return new Switches(options.bool("AutomaticDisableChannelEnabled"),
        options.bool("AutomaticEnableChannelEnabled"),
        Math.max(0, options.doubleValue("ChannelDisableThreshold")));
  }
}
