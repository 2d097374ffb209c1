package io.onegate.gateway.state;

/**
 * A user as the relay needs it: group, status, role and the settled quota with its quota_generation (seed of the
 * live balance; a newer generation than a node's lease means an admin set the quota since: the lease is not spent).
 */
public record UserRecord(int id, String username, int role, int status, long quota, String group,
                         long quotaGeneration) {
  public static final int ROLE_ADMIN = 10;
  public static final int STATUS_ENABLED = 1;

  public boolean enabled() {
    return status == STATUS_ENABLED;
  }

  public boolean admin() {
    return role >= ROLE_ADMIN;
  }
}
