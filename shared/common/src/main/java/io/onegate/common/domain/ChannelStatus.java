package io.onegate.common.domain;

/** One API's channel status codes (stored as integers in {@code channels.status}). */
public final class ChannelStatus {
  private ChannelStatus() {
  }

  public static final int UNKNOWN = 0;
  public static final int ENABLED = 1;
  public static final int MANUALLY_DISABLED = 2;
  public static final int AUTO_DISABLED = 3;
}
