package io.onegate.gateway.api;

import io.onegate.common.balance.QuotaCredits;
import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.crypto.KeyCipher;
import io.onegate.common.crypto.TokenVault;
import io.onegate.common.domain.ChangeNotice;
import io.onegate.common.options.Options;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * What the management routes share: the database, the clock and random source, password hashing, the channel-key
 * cipher, the vault of relay keys and access tokens, and the two side effects of a committed change: a
 * {@link ChangeNotice} to every gateway and a manage log (type 3) naming who did what.
 */
public record ApiContext(Vertx vertx, Pool pg, Clock clock, RandomGenerator random, Passwords passwords,
                         KeyCipher cipher, TokenVault vault, BalanceSync balances) {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiContext.class);

  /** A bearer secret as stored ({@link TokenVault}): the lookup digest and the sealed form shown to its owner. */
  public record StoredSecret(String digest, String sealed) {
    /** What the legacy plaintext column {@code tokens.key} holds: a placeholder no client can present. */
    public String placeholder() {
      return TokenVault.placeholder(digest);
    }
  }

  public StoredSecret store(String secret) {
    return new StoredSecret(vault.digest(secret), vault.seal(secret));
  }

  /**
   * A stored relay key or access token in clear for its owner: the sealed form opened, or the legacy plaintext
   * value of a row not converted yet; "" when the sealed form cannot be opened (CRYPTO_SECRET changed and
   * {@code POST /api/channel/rekey} was not run yet).
   */
  public String reveal(String sealed, String legacy) {
    if (sealed == null) {
      return legacy == null || TokenVault.isPlaceholder(legacy) ? "" : legacy.trim();
    }
    try {
      return vault.open(sealed);
    } catch (IllegalStateException e) {
      return "";
    }
  }

  public long now() {
    return clock.instant().getEpochSecond();
  }

  /** Current options (defaults overlaid with the table); read per use, the management API is not the hot path. */
  public Future<Options> options() {
    return Options.load(pg);
  }

  /**
   * After a committed quota change of a user: publishes its quota at its quota_version to the live balance
   * (failures logged, not returned; the next billing flush touching the user carries the value again).
   */
  public void userQuotaChanged(QuotaCredits.QuotaState state) {
    balances.userQuotaChanged(state)
        .onFailure(e -> LOG.warn("live balance of user {} not set to {} (version {}): {}", state.userId(),
            state.quota(), state.version(), e.toString()));
  }

  /**
   * After a committed change of a token's quota settings: publishes its remaining quota at its quota_version and
   * quota_generation.
   */
  public void tokenQuotaChanged(int tokenId, long remainQuota, long quotaVersion, long quotaGeneration,
                                boolean unlimited) {
    balances.tokenQuotaChanged(tokenId, remainQuota, quotaVersion, quotaGeneration, unlimited)
        .onFailure(e -> LOG.warn("live balance of token {} not updated: {}", tokenId, e.toString()));
  }

  /** Publishes a change notice; call only after the change has committed. */
  public void notice(ChangeNotice.Kind kind, long id) {
    vertx.eventBus().publish(ClusterNames.CHANGES_ADDRESS, new ChangeNotice(kind, id).toJson());
  }

  /**
   * Writes a manage log (type 3) under {@code subjectUserId} (the user it concerns, or the actor for non-user
   * objects) whose content names the actor, e.g. "[admin root (#1)] disabled user bob (#7)".
   */
  public Future<Void> audit(SqlClient sql, Principal actor, int subjectUserId, String subjectUsername,
                            String what) {
    return log(sql, 3, subjectUserId, subjectUsername, "[" + roleName(actor.role()) + " " + actor.describe() + "] "
        + what);
  }

  /** Inserts a log row of {@code type} (1 top-up, 3 manage, 4 system). */
  public Future<Void> log(SqlClient sql, int type, int userId, String username, String content) {
    return sql.preparedQuery("INSERT INTO logs (user_id, created_at, type, content, username) "
            + "VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(userId, now(), type, content, username == null ? "" : username))
        .mapEmpty();
  }

  static String roleName(int role) {
    return role >= Roles.ROOT ? "root" : role >= Roles.ADMIN ? "admin" : "user";
  }

  /** One API's quota wording: "＄0.002000 额度" in currency mode, else "1000 点额度". */
  public static String quotaText(Options options, long quota) {
    if (options.bool("DisplayInCurrencyEnabled")) {
      double perUnit = options.doubleValue("QuotaPerUnit");
      return String.format(java.util.Locale.ROOT, "＄%.6f 额度", quota / (perUnit <= 0 ? 500000.0 : perUnit));
    }
    return quota + " 点额度";
  }
}
