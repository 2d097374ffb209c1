package io.onegate.gateway.api;

/** One API's role levels and statuses of {@code users}. */
public final class Roles {
  public static final int GUEST = 0;
  public static final int COMMON = 1;
  public static final int ADMIN = 10;
  public static final int ROOT = 100;

  public static final int STATUS_ENABLED = 1;
  public static final int STATUS_DISABLED = 2;
  public static final int STATUS_DELETED = 3;

  private Roles() {
  }
}
