package io.onegate.gateway.api;

/**
 * The authenticated caller of a management request, as read from the database on this request (not from the
 * cookie), so role and status changes apply at once on every node.
 *
 * @param viaSession true for a session cookie, false for an access token
 */
public record Principal(int id, String username, int role, int status, String group, boolean viaSession) {

  public boolean isRoot() {
    return role >= Roles.ROOT;
  }

  /** "root (#1)" for audit texts. */
  public String describe() {
    return username + " (#" + id + ")";
  }
}
