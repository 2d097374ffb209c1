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
  /** IMap with the live-balance epoch (see LiveBalances#epoch). */
  public static final String LIVE_BALANCE_META = "onegate.live.meta";
  /**
   * IMap key -> long[] of the management API's login guard: failure timestamps per client address
   * ({@code SlidingWindowLimit}) and {failures, last attempt} per account and address ({@code FailureBackoff}).
   */
  public static final String LOGIN_GUARD = "onegate.api.login-guard";
  /** Lock name of the health worker's scheduled-test leadership. */
  public static final String HEALTH_LEADER_LOCK = "onegate.health.leader";
  /** IMap of the health worker's leader lease (key {@link #HEALTH_LEADER_LOCK}, value "member|expiresAtMillis"). */
  public static final String HEALTH_LEASES = "onegate.health.leases";
  /**
   * IMap channelId → {@code long[]} {@link ChannelHold} (cool-down after a 429, open circuit breaker), written by the
   * health worker that owns the channel's outcomes, read by gateways through an entry listener (never per request).
   */
  public static final String CHANNEL_HOLDS = "onegate.health.channel-holds";
  /**
   * Event-bus address (request/reply) of the channel tester: {@code {"channel_id":n,"model":"optional"}} →
   * {@code {"success","message","time","modelName"}} (One API's GET /api/channel/test/:id answer). Any health
   * worker answers.
   */
  public static final String HEALTH_TEST_CHANNEL_ADDRESS = "onegate.health.test-channel";
  /**
   * Event-bus address (point-to-point send; one health worker handles each) of low-balance warnings:
   * {@code {"user_id":n,"username":"…","email":"…","remaining_quota":n}} → email to the user and the webhook.
   */
  public static final String NOTIFY_LOW_BALANCE_ADDRESS = "onegate.notify.low-balance";

  /**
   * Event-bus address (request/reply) of the billing workers' channel balance refresh: {@code {"channel_id": n}}
   * → {@code {"balance": usd}}, or {@code {"all": true}} → starts a round; failure code 404 (no such channel) or 400
   * (the type has no balance endpoint).
   */
  public static final String BILLING_REFRESH_BALANCE_ADDRESS = "onegate.billing.refresh-balance";
}
