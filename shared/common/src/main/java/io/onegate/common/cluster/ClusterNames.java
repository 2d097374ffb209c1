package io.onegate.common.cluster;

/**
 * Names of the cluster-wide structures shared through Hazelcast and the Vert.x event bus. One place, so every
 * process agrees on them.
 */
public final class ClusterNames {
  private ClusterNames() {
  }

  /** Event-bus address (publish) of {@code ChangeNotice}s: configuration changed, reload the entity. */
  public static final String CHANGES_ADDRESS = "onegate.changes";
  /** IMap userId -> live balance (quota units): settled balance minus unapplied usage minus reservations. */
  public static final String LIVE_USER_BALANCES = "onegate.live.user-balances";
  /** IMap tokenId -> live remaining quota of limited tokens. */
  public static final String LIVE_TOKEN_BALANCES = "onegate.live.token-balances";
  /** IMap key -> long[] event timestamps of the management API's login/registration limiters. */
  public static final String LOGIN_LIMITS = "onegate.api.login-limits";
  /** Lock name of the health worker's scheduled-test leadership. */
  public static final String HEALTH_LEADER_LOCK = "onegate.health.leader";
}
