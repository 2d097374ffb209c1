package io.onegate.gateway.state;

/**
 * A user as the relay needs it: group, status, role and the settled quota with its quota_generation (seed of the
 * live balance; a newer generation than a node's lease means an admin set the quota since: the lease is not spent).
 *
 * @param accessTokenDigest the {@link io.onegate.common.crypto.TokenVault#digest} of an administrator's access
 *                          token (an admin may call the relay with it), null for other users and admins without one
 */
public record UserRecord(int id, String username, int role, int status, long quota, String group,
                         long quotaGeneration, String accessTokenDigest) {
  public static final int ROLE_ADMIN = 10;
  public static final int STATUS_ENABLED = 1;

  /** A user without an access token for the relay. */
  public UserRecord(int id, String username, int role, int status, long quota, String group, long quotaGeneration) {
    this(id, username, role, status, quota, group, quotaGeneration, null);
  }

  @Override
  public String toString() {
    return "User[id=" + id + ", username=" + username + ", role=" + role + "]"; // never the digest
  }

  public boolean enabled() {
    return status == STATUS_ENABLED;
  }

  public boolean admin() {
    return role >= ROLE_ADMIN;
  }
}
