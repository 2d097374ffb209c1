package io.onegate.health.state;

/**
 * A committed automatic status flip of a channel.
 *
 * @param from         previous status (1 or 3)
 * @param to           new status (3 or 1)
 * @param atEpochSeconds the new status_changed_time
 */
public record StatusChange(int channelId, String channelName, int from, int to, String reason, long atEpochSeconds) {

  public boolean disabled() {
    return to != io.onegate.common.domain.ChannelStatus.ENABLED;
  }
}
