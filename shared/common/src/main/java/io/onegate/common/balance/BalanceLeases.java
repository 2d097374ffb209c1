package io.onegate.common.balance;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node-local leases on the cluster's {@link LiveBalances}, so that a gateway admits most requests without a
 * Hazelcast round trip.
 *
 * <p>A lease is quota this node has already reserved (as pending) in Hazelcast for requests it has not admitted
 * yet. {@link #reserve} takes from the lease when it covers the amount (the user's and, for a limited token, the
 * token's); otherwise it makes one entry-processor call per short account that gives back the unused lease,
 * reserves the amount and — only while at least {@code headroom} × the lease is left — takes a new lease of up to
 * {@code requestsPerLease} × the amount, capped at {@code maxLease}. {@link #settle} moves the account's lease by
 * (reserved − actual) locally; an account that holds no lease passes it to Hazelcast at once. A lease is spent
 * for at most {@code idleNanos} after it was granted (the next admission renews it with one call, so a lowered
 * balance binds every node within that time), and given back when unused for as long.
 *
 * <p>Guarantees: the cluster never admits beyond the balance (a lease is reserved before it is spent), and near
 * exhaustion (balance left below {@code headroom} × a request) admission is per request on Hazelcast, exactly as
 * without leases. Cost: leased quota is unavailable to other nodes until it is used or given back (at most
 * {@code idleNanos} after the last use) — if this node dies, until the next balance epoch; at most {@code maxLease}
 * per account per node. Thread-safe; results complete on the caller's context.
 */
public final class BalanceLeases {
  private static final Logger LOG = LoggerFactory.getLogger(BalanceLeases.class);
  /** Lease sizing. {@code maxLease} 0 disables leases (every admission goes to Hazelcast). */
  public record Policy(long maxLease, int requestsPerLease, int headroom, long idleNanos) {
    public static Policy disabled() {
      return new Policy(0, 0, 0, 0);
    }
  }

  private final LiveBalances live;
  private final Policy policy;
  private final LongSupplier nanoTime;
  private final Map<Integer, Account> users = new ConcurrentHashMap<>();
  private final Map<Integer, Account> tokens = new ConcurrentHashMap<>();

  public BalanceLeases(LiveBalances live, Policy policy, LongSupplier nanoTime) {
    this.live = live;
    this.policy = policy;
    this.nanoTime = nanoTime;
  }

  /** The balance epoch usage events carry (see {@link LiveBalances#epoch}). */
  public String epoch() {
    return live.epoch();
  }

  /**
   * Reserves {@code amount} on the user and, when {@code tokenId} is not null, on the limited token: both or
   * neither. Completes with false when either lacks the balance. Seeds are the caller's snapshot values, used when
   * the cluster has no entry yet.
   */
  public Future<Boolean> reserve(Context ctx, int userId, long userSeed, Integer tokenId, long tokenSeed,
                                 long amount) {
    long now = nanoTime.getAsLong();
    Account user = users.computeIfAbsent(userId, id -> new Account());
    Account token = tokenId == null ? null : tokens.computeIfAbsent(tokenId, id -> new Account());
    boolean userLocal = user.take(amount, now, policy.idleNanos());
    boolean tokenLocal = token == null || token.take(amount, now, policy.idleNanos());
    if (userLocal && tokenLocal) {
      return Future.succeededFuture(true);
    }
    PendingAdjust userAdjust = delta -> live.adjustUserPending(ctx, userId, delta);
    PendingAdjust tokenAdjust = delta -> live.adjustTokenPending(ctx, tokenId, delta);
    // User and token are asked at once (one round trip, not two); whatever part was taken is undone when the
    // whole is refused or failed.
    Future<Boolean> userPart = userLocal ? Future.succeededFuture(true)
        : lease(user, amount, (give, extra) -> live.leaseUser(ctx, userId, userSeed, give, amount, extra,
            policy.headroom()), userAdjust);
    Future<Boolean> tokenPart = tokenLocal ? Future.succeededFuture(true)
        : lease(token, amount, (give, extra) -> live.leaseToken(ctx, tokenId, tokenSeed, give, amount, extra,
            policy.headroom()), tokenAdjust);
    return Future.join(userPart, tokenPart).transform(ar -> {
      boolean userTaken = taken(userPart);
      boolean tokenTaken = taken(tokenPart);
      if (userTaken && tokenTaken) {
        return Future.succeededFuture(true);
      }
      if (userTaken) {
        release(user, amount, userAdjust);
      }
      if (tokenTaken && token != null) {
        release(token, amount, tokenAdjust);
      }
      Throwable failure = userPart.failed() ? userPart.cause() : tokenPart.failed() ? tokenPart.cause() : null;
      return failure == null ? Future.succeededFuture(false) : Future.failedFuture(failure);
    });
  }

  private static boolean taken(Future<Boolean> part) {
    return part.succeeded() && part.result();
  }

  /** Settles a reservation to the actual charge: the accounts' pending moves by (actual − reserved). */
  public void settle(Context ctx, int userId, Integer tokenId, long reserved, long actual) {
    if (actual == reserved) {
      return;
    }
    release(users.computeIfAbsent(userId, id -> new Account()), reserved - actual,
        delta -> live.adjustUserPending(ctx, userId, delta));
    if (tokenId != null) {
      release(tokens.computeIfAbsent(tokenId, id -> new Account()), reserved - actual,
          delta -> live.adjustTokenPending(ctx, tokenId, delta));
    }
  }

  /** Gives back the leases unused for the idle time; call periodically (e.g. from a Vert.x timer). */
  public Future<Void> returnIdle(Context ctx) {
    return returnWhere(ctx, nanoTime.getAsLong() - policy.idleNanos());
  }

  /** Gives back every lease (shutdown). */
  public Future<Void> returnAll(Context ctx) {
    return returnWhere(ctx, Long.MAX_VALUE);
  }

  /** Starts the periodic idle return on {@code vertx}; returns the timer id. */
  public long startIdleReturn(Vertx vertx) {
    long period = Math.max(50, policy.idleNanos() / 2_000_000);
    return vertx.setPeriodic(period, id -> returnIdle(vertx.getOrCreateContext()));
  }

  /** Quota leased to this node and not yet spent, per user (tests and metrics). */
  public long leasedUser(int userId) {
    Account a = users.get(userId);
    return a == null ? 0 : a.free();
  }

  private Future<Void> returnWhere(Context ctx, long usedBefore) {
    List<Future<Void>> returns = new ArrayList<>();
    users.forEach((id, a) -> returns.add(a.returnIfUnused(usedBefore, d -> live.adjustUserPending(ctx, id, d))));
    tokens.forEach((id, a) -> returns.add(a.returnIfUnused(usedBefore, d -> live.adjustTokenPending(ctx, id, d))));
    return Future.join(returns).mapEmpty();
  }

  private interface LeaseCall {
    Future<Long> call(long giveBack, long maxExtra);
  }

  private interface PendingAdjust {
    Future<Void> adjust(long pendingDelta);
  }

  /** One Hazelcast call: gives back the account's lease, reserves {@code amount}, adds any extra granted. */
  private Future<Boolean> lease(Account account, long amount, LeaseCall call, PendingAdjust adjust) {
    long giveBack = account.takeAll();
    long maxExtra = policy.maxLease() <= 0 ? 0
        : Math.min(policy.maxLease(), Math.max(0, amount) * policy.requestsPerLease());
    return call.call(giveBack, maxExtra).map(extra -> {
      if (extra < 0) {
        return false;
      }
      account.grant(extra, nanoTime.getAsLong());
      if (extra == 0) {
        flushIfNotLeasing(account, adjust);
      }
      return true;
    });
    // On failure the give-back is treated as landed: at worst that quota stays reserved (errs safe).
  }

  /** Puts {@code amount} back on the account (reserved − actual); without a lease it goes to Hazelcast now. */
  private void release(Account account, long amount, PendingAdjust adjust) {
    account.owe(amount);
    flushIfNotLeasing(account, adjust);
  }

  private static void flushIfNotLeasing(Account account, PendingAdjust adjust) {
    long free = account.takeAllIfNotLeasing();
    if (free != 0) {
      adjust.adjust(-free).onFailure(err -> {
        LOG.warn("live balance update failed, retried with the next lease return: {}", err.getMessage());
        account.owe(free);
      });
    }
  }

  /**
   * What this node holds for one user or token: {@code free} quota reserved in Hazelcast and not yet spent
   * (negative when settlements exceeded their reservations and the debt is not yet pushed), whether a lease is
   * held, and when it was last used.
   */
  private static final class Account {
    private long free;
    private boolean leasing;
    private long lastUsed;
    private long grantedAt;

    synchronized boolean take(long amount, long now, long maxAgeNanos) {
      if (!leasing || free < amount || now - grantedAt > maxAgeNanos) {
        return false;
      }
      free -= amount;
      lastUsed = now;
      return true;
    }

    synchronized long takeAll() {
      long all = free;
      free = 0;
      return all;
    }

    synchronized long takeAllIfNotLeasing() {
      if (leasing) {
        return 0;
      }
      return takeAll();
    }

    synchronized void grant(long extra, long now) {
      free += extra;
      leasing = extra > 0;
      lastUsed = now;
      grantedAt = now;
    }

    synchronized void owe(long amount) {
      free += amount;
    }

    synchronized long free() {
      return free;
    }

    /** Gives back the lease unless used after {@code usedBefore}; also pushes any owed remainder. */
    Future<Void> returnIfUnused(long usedBefore, PendingAdjust adjust) {
      long back;
      synchronized (this) {
        boolean recent = usedBefore != Long.MAX_VALUE && lastUsed - usedBefore > 0;
        if (leasing && recent || free == 0) {
          return Future.succeededFuture();
        }
        leasing = false;
        back = takeAll();
      }
      return adjust.adjust(-back).onFailure(err -> owe(back));
    }
  }
}
