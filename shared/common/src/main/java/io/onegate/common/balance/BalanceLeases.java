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
 * <p>Quota generations: every lease, give-back and settlement belongs to the generation of the entry it was taken
 * from. A lease older than the caller's snapshot of the account (an admin set a new absolute balance) is not spent:
 * the admission goes to Hazelcast, which answers at the new generation. Admissions report their generations
 * ({@link Admission}); settlements of an older generation than the account's are dropped (the admin's value
 * replaced what they belonged to).
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

  /**
   * The answer to {@link #reserve}: admitted or not, and the quota generations of the user and of the limited
   * token ({@code -1} without a limited token) the admission was made under (usage events carry them).
   */
  public record Admission(boolean admitted, long userGeneration, long tokenGeneration) {
    public static final Admission REFUSED = new Admission(false, -1, -1);
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
   * neither. Completes with a refused admission when either lacks the balance. Seeds are the caller's snapshot
   * values: used when the cluster has no entry yet, and their generations say which leases are out of date.
   */
  public Future<Admission> reserve(Context ctx, int userId, LiveBalances.Seed userSeed, Integer tokenId,
                                   LiveBalances.Seed tokenSeed, long amount) {
    long now = nanoTime.getAsLong();
    Account user = users.computeIfAbsent(userId, id -> new Account());
    Account token = tokenId == null ? null : tokens.computeIfAbsent(tokenId, id -> new Account());
    long userLocal = user.take(amount, now, policy.idleNanos(), userSeed.generation());
    long tokenLocal = token == null ? -1 : token.take(amount, now, policy.idleNanos(), tokenSeed.generation());
    if (userLocal >= 0 && (token == null || tokenLocal >= 0)) {
      return Future.succeededFuture(new Admission(true, userLocal, tokenLocal));
    }
    PendingAdjust userAdjust = (delta, gen) -> live.adjustUserPending(ctx, userId, delta, gen);
    PendingAdjust tokenAdjust = (delta, gen) -> live.adjustTokenPending(ctx, tokenId, delta, gen);
    // User and token are asked at once (one round trip, not two); whatever part was taken is undone when the
    // whole is refused or failed.
    Future<Long> userPart = userLocal >= 0 ? Future.succeededFuture(userLocal)
        : lease(user, amount, (give, giveGen, extra) -> live.leaseUser(ctx, userId, userSeed, give, giveGen, amount,
            extra, policy.headroom()), userAdjust);
    Future<Long> tokenPart = token == null || tokenLocal >= 0 ? Future.succeededFuture(tokenLocal)
        : lease(token, amount, (give, giveGen, extra) -> live.leaseToken(ctx, tokenId, tokenSeed, give, giveGen,
            amount, extra, policy.headroom()), tokenAdjust);
    return Future.join(userPart, tokenPart).transform(ar -> {
      boolean userTaken = taken(userPart);
      boolean tokenTaken = token == null || taken(tokenPart);
      if (userTaken && tokenTaken) {
        return Future.succeededFuture(new Admission(true, userPart.result(), tokenPart.result()));
      }
      if (userTaken) {
        release(user, amount, userPart.result(), userAdjust);
      }
      if (token != null && taken(tokenPart)) {
        release(token, amount, tokenPart.result(), tokenAdjust);
      }
      Throwable failure = userPart.failed() ? userPart.cause() : tokenPart.failed() ? tokenPart.cause() : null;
      return failure == null ? Future.succeededFuture(Admission.REFUSED) : Future.failedFuture(failure);
    });
  }

  private static boolean taken(Future<Long> part) {
    return part.succeeded() && part.result() >= 0;
  }

  /**
   * Settles a reservation to the actual charge: the accounts' pending moves by (actual − reserved), unless the
   * account moved to a newer generation since the admission.
   */
  public void settle(Context ctx, int userId, Integer tokenId, Admission admission, long reserved, long actual) {
    if (actual == reserved) {
      return;
    }
    release(users.computeIfAbsent(userId, id -> new Account()), reserved - actual, admission.userGeneration(),
        (delta, gen) -> live.adjustUserPending(ctx, userId, delta, gen));
    if (tokenId != null) {
      release(tokens.computeIfAbsent(tokenId, id -> new Account()), reserved - actual, admission.tokenGeneration(),
          (delta, gen) -> live.adjustTokenPending(ctx, tokenId, delta, gen));
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
    users.forEach((id, a) -> returns.add(a.returnIfUnused(usedBefore,
        (d, gen) -> live.adjustUserPending(ctx, id, d, gen))));
    tokens.forEach((id, a) -> returns.add(a.returnIfUnused(usedBefore,
        (d, gen) -> live.adjustTokenPending(ctx, id, d, gen))));
    return Future.join(returns).mapEmpty();
  }

  private interface LeaseCall {
    Future<LiveBalances.Grant> call(long giveBack, long giveBackGeneration, long maxExtra);
  }

  private interface PendingAdjust {
    Future<Void> adjust(long pendingDelta, long generation);
  }

  /**
   * One Hazelcast call: gives back the account's lease, reserves {@code amount}, adds any extra granted. Completes
   * with the generation admitted under, or -1 when refused.
   */
  private Future<Long> lease(Account account, long amount, LeaseCall call, PendingAdjust adjust) {
    long[] giveBack = account.takeAll();
    long maxExtra = policy.maxLease() <= 0 ? 0
        : Math.min(policy.maxLease(), Math.max(0, amount) * policy.requestsPerLease());
    return call.call(giveBack[0], giveBack[1], maxExtra).map(grant -> {
      account.observed(grant.generation());
      if (!grant.admitted()) {
        return -1L;
      }
      account.grant(grant.extra(), grant.generation(), nanoTime.getAsLong());
      if (grant.extra() == 0) {
        flushIfNotLeasing(account, adjust);
      }
      return grant.generation();
    });
    // On failure the give-back is treated as landed: at worst that quota stays reserved (errs safe).
  }

  /** Puts {@code amount} of generation {@code generation} back on the account; without a lease to Hazelcast now. */
  private void release(Account account, long amount, long generation, PendingAdjust adjust) {
    if (account.owe(amount, generation)) {
      flushIfNotLeasing(account, adjust);
    }
  }

  private static void flushIfNotLeasing(Account account, PendingAdjust adjust) {
    long[] free = account.takeAllIfNotLeasing();
    if (free[0] != 0) {
      adjust.adjust(-free[0], free[1]).onFailure(err -> {
        LOG.warn("live balance update failed, retried with the next lease return: {}", err.getMessage());
        account.owe(free[0], free[1]);
      });
    }
  }

  /**
   * What this node holds for one user or token: {@code free} quota reserved in Hazelcast and not yet spent
   * (negative when settlements exceeded their reservations and the debt is not yet pushed), the generation it
   * belongs to (the newest this node has seen from Hazelcast), whether a lease is held, and when it was last used.
   */
  private static final class Account {
    private long free;
    private long generation;
    private boolean leasing;
    private long lastUsed;
    private long grantedAt;

    /** Takes {@code amount} from the lease; the lease's generation, or -1 (no lease, too small, old, outdated). */
    synchronized long take(long amount, long now, long maxAgeNanos, long snapshotGeneration) {
      if (!leasing || free < amount || now - grantedAt > maxAgeNanos || generation < snapshotGeneration) {
        return -1;
      }
      free -= amount;
      lastUsed = now;
      return generation;
    }

    /** {free, generation}, the account left empty. */
    synchronized long[] takeAll() {
      long[] all = {free, generation};
      free = 0;
      return all;
    }

    synchronized long[] takeAllIfNotLeasing() {
      if (leasing) {
        return new long[] {0, generation};
      }
      return takeAll();
    }

    /** Hazelcast answered at {@code gen}: what was held for an older generation is void there. */
    synchronized void observed(long gen) {
      if (gen > generation) {
        free = 0;
        leasing = false;
        generation = gen;
      }
    }

    synchronized void grant(long extra, long gen, long now) {
      if (gen < generation) {
        return; // granted from a value replaced since (a concurrent call saw the newer one): nothing to spend
      }
      free += extra;
      leasing = extra > 0;
      lastUsed = now;
      grantedAt = now;
    }

    /** free += amount when it belongs to this account's generation; false (dropped) when older. */
    synchronized boolean owe(long amount, long gen) {
      if (gen != generation) {
        return false;
      }
      free += amount;
      return true;
    }

    synchronized long free() {
      return free;
    }

    /** Gives back the lease unless used after {@code usedBefore}; also pushes any owed remainder. */
    Future<Void> returnIfUnused(long usedBefore, PendingAdjust adjust) {
      long[] back;
      synchronized (this) {
        boolean recent = usedBefore != Long.MAX_VALUE && lastUsed - usedBefore > 0;
        if (leasing && recent || free == 0) {
          return Future.succeededFuture();
        }
        leasing = false;
        back = takeAll();
      }
      return adjust.adjust(-back[0], back[1]).onFailure(err -> owe(back[0], back[1]));
    }
  }
}
