package io.onegate.common.balance;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.onegate.common.cluster.ClusterNames;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.io.Serializable;
import java.util.Map;

/**
 * Cluster-wide live balances of users and limited tokens, in Hazelcast. Each entry holds two numbers:
 * {@code settled} (what PostgreSQL says, kept in step by the billing worker and by top-ups) and {@code pending}
 * (reservations in flight plus usage emitted but not yet applied). Available = settled − pending. Every change is
 * one atomic entry-processor call on the key's owner, so N gateway nodes admitting concurrently cannot together
 * spend more than is available (beyond what is already in flight). Non-blocking: results complete on the caller's
 * Vert.x context.
 *
 * <p>Entries are seeded lazily from the caller's snapshot of PostgreSQL ({@code seed} arguments) when absent, or
 * created by the billing worker with the exact settled value after a flush. An entry is {@code long[]{settled,
 * pending, version}}: {@code version} is the {@code quota_version} of the PostgreSQL row the settled value was
 * read from (0 for a seed from a snapshot); absolute settled values are accepted only with a version at least the
 * one held, so a late update never moves a balance backwards (see docs/billing.md).
 */
public final class LiveBalances {
  private final IMap<Integer, long[]> users;
  private final IMap<Integer, long[]> tokens;
  private final String epoch;

  public LiveBalances(HazelcastInstance hazelcast) {
    this.users = hazelcast.getMap(ClusterNames.LIVE_USER_BALANCES);
    this.tokens = hazelcast.getMap(ClusterNames.LIVE_TOKEN_BALANCES);
    IMap<String, String> meta = hazelcast.getMap(ClusterNames.LIVE_BALANCE_META);
    String fresh = java.util.UUID.randomUUID().toString();
    String existing = meta.putIfAbsent("epoch", fresh);
    this.epoch = existing == null ? fresh : existing;
  }

  /**
   * The id of this cluster's balance state: a new one after a full-cluster restart (all entries lost). Usage events
   * carry it; pending balance is released only for events reserved in the current epoch. Blocking call at
   * construction (start-up only).
   */
  public String epoch() {
    return epoch;
  }

  /**
   * Reserves {@code amount} on the user and, when {@code tokenId} is not null, on the limited token: both or
   * neither. Completes with false when either lacks the balance.
   */
  public Future<Boolean> reserve(Context ctx, int userId, long userSeed, Integer tokenId, long tokenSeed,
                                 long amount) {
    return on(ctx, users.submitToKey(userId, new Reserve(userSeed, amount))).compose(userOk -> {
      if (!userOk) {
        return Future.succeededFuture(false);
      }
      if (tokenId == null) {
        return Future.succeededFuture(true);
      }
      return on(ctx, tokens.submitToKey(tokenId, new Reserve(tokenSeed, amount))).compose(tokenOk -> tokenOk
          ? Future.succeededFuture(true)
          : on(ctx, users.submitToKey(userId, new Adjust(0, -amount))).map(false));
    });
  }

  /**
   * One atomic step of a node's lease on a user's balance (see {@link BalanceLeases}): pending drops by
   * {@code giveBack} (the node's unused lease; negative when the node owes), then {@code amount} is reserved and,
   * when the balance left allows, an extra lease of up to {@code maxExtra} is granted: at most 1/{@code headroom}
   * of what is left, and only if that is at least {@code amount}. Completes with the extra granted (≥ 0), or -1
   * when the balance does not cover {@code amount} (the give-back is applied either way).
   */
  public Future<Long> leaseUser(Context ctx, int userId, long seed, long giveBack, long amount, long maxExtra,
                                int headroom) {
    return on(ctx, users.submitToKey(userId, new Lease(seed, giveBack, amount, maxExtra, headroom)));
  }

  /** {@link #leaseUser} for a limited token. */
  public Future<Long> leaseToken(Context ctx, int tokenId, long seed, long giveBack, long amount, long maxExtra,
                                 int headroom) {
    return on(ctx, tokens.submitToKey(tokenId, new Lease(seed, giveBack, amount, maxExtra, headroom)));
  }

  /** pending += delta on the user's entry (lease returns and settlements); absent entries are left alone. */
  public Future<Void> adjustUserPending(Context ctx, int userId, long delta) {
    return delta == 0 ? Future.succeededFuture()
        : on(ctx, users.submitToKey(userId, new Adjust(0, delta))).mapEmpty();
  }

  /** {@link #adjustUserPending} for a limited token. */
  public Future<Void> adjustTokenPending(Context ctx, int tokenId, long delta) {
    return delta == 0 ? Future.succeededFuture()
        : on(ctx, tokens.submitToKey(tokenId, new Adjust(0, delta))).mapEmpty();
  }

  /**
   * A committed ledger change (billing-worker flush, top-up, redemption, admin edit): the user's PostgreSQL quota
   * is now {@code settled} at {@code quotaVersion}, and {@code releasedPending} of usage that was pending in this
   * epoch is now part of it. Creates the entry when absent (nothing of this epoch is pending for it then).
   */
  public Future<Void> ledgerUser(Context ctx, int userId, long releasedPending, long settled, long quotaVersion) {
    return on(ctx, users.submitToKey(userId, new Ledger(releasedPending, settled, quotaVersion))).mapEmpty();
  }

  /** {@link #ledgerUser} for a limited token: its remaining quota is now {@code settled}. */
  public Future<Void> ledgerToken(Context ctx, int tokenId, long releasedPending, long settled, long quotaVersion) {
    return on(ctx, tokens.submitToKey(tokenId, new Ledger(releasedPending, settled, quotaVersion))).mapEmpty();
  }

  /** Raw {settled, pending, version} of one user, or null when absent (reconciliation and tests). */
  public Future<long[]> rawUser(Context ctx, int userId) {
    return on(ctx, users.getAsync(userId));
  }

  /** Raw {settled, pending, version} of one token, or null when absent. */
  public Future<long[]> rawToken(Context ctx, int tokenId) {
    return on(ctx, tokens.getAsync(tokenId));
  }

  /** An admin set the token's remaining quota (or made it unlimited): forget the entry, the next use re-seeds. */
  public Future<Void> resetToken(Context ctx, int tokenId) {
    return on(ctx, tokens.removeAsync(tokenId)).mapEmpty();
  }

  /** Available balance of a user, or empty when not seeded yet. */
  public Future<Long> availableUser(Context ctx, int userId) {
    return on(ctx, users.getAsync(userId)).map(v -> v == null ? null : v[0] - v[1]);
  }

  /**
   * The Hazelcast result, completed on {@code ctx}. The hand-over runs inline on the thread completing the
   * operation: a callback registered on a Hazelcast future directly would run on Hazelcast's default async
   * executor, which starts a NEW THREAD per callback when the common ForkJoinPool has parallelism 1 (2 cores).
   */
  private static <T> Future<T> on(Context ctx, java.util.concurrent.CompletionStage<T> stage) {
    java.util.concurrent.CompletableFuture<T> done = new java.util.concurrent.CompletableFuture<>();
    stage.whenCompleteAsync((v, e) -> {
      if (e != null) {
        done.completeExceptionally(e);
      } else {
        done.complete(v);
      }
    }, Runnable::run);
    return Future.fromCompletionStage(done, ctx);
  }

  /** Seeds when absent; then pending += amount only if settled − pending − amount ≥ 0. */
  static final class Reserve implements EntryProcessor<Integer, long[], Boolean>, Serializable {
    private static final long serialVersionUID = 1L;
    private final long seed;
    private final long amount;

    Reserve(long seed, long amount) {
      this.seed = seed;
      this.amount = amount;
    }

    @Override
    public Boolean process(Map.Entry<Integer, long[]> entry) {
      long[] v = entry.getValue() == null ? new long[] {seed, 0, 0} : entry.getValue().clone();
      if (v[0] - v[1] - amount < 0) {
        if (entry.getValue() == null) {
          entry.setValue(v);
        }
        return false;
      }
      v[1] += amount;
      entry.setValue(v);
      return true;
    }
  }

  /** See {@link #leaseUser}. Pending never drops below 0 (a give-back to an entry re-created since). */
  static final class Lease implements EntryProcessor<Integer, long[], Long>, Serializable {
    private static final long serialVersionUID = 1L;
    private final long seed;
    private final long giveBack;
    private final long amount;
    private final long maxExtra;
    private final int headroom;

    Lease(long seed, long giveBack, long amount, long maxExtra, int headroom) {
      this.seed = seed;
      this.giveBack = giveBack;
      this.amount = amount;
      this.maxExtra = maxExtra;
      this.headroom = headroom;
    }

    @Override
    public Long process(Map.Entry<Integer, long[]> entry) {
      long[] v = entry.getValue() == null ? new long[] {seed, 0, 0} : entry.getValue().clone();
      v[1] = Math.max(0, v[1] - giveBack);
      long left = v[0] - v[1] - amount;
      if (left < 0) {
        entry.setValue(v);
        return -1L;
      }
      long extra = headroom <= 0 ? 0 : Math.min(maxExtra, left / headroom);
      if (extra < Math.max(1, amount)) {
        extra = 0;
      }
      v[1] += amount + extra;
      entry.setValue(v);
      return extra;
    }
  }

  /** settled += dSettled, pending += dPending on an existing entry (absent entries are left to the next seed). */
  static final class Adjust implements EntryProcessor<Integer, long[], Object>, Serializable {
    private static final long serialVersionUID = 1L;
    private final long dSettled;
    private final long dPending;

    Adjust(long dSettled, long dPending) {
      this.dSettled = dSettled;
      this.dPending = dPending;
    }

    @Override
    public Object process(Map.Entry<Integer, long[]> entry) {
      if (entry.getValue() == null) {
        return null;
      }
      long[] v = entry.getValue().clone();
      v[0] += dSettled;
      v[1] += dPending;
      entry.setValue(v);
      return null;
    }
  }

  /** pending -= released; settled := settled at version when version >= the held one; creates when absent. */
  static final class Ledger implements EntryProcessor<Integer, long[], Object>, Serializable {
    private static final long serialVersionUID = 1L;
    private final long released;
    private final long settled;
    private final long version;

    Ledger(long released, long settled, long version) {
      this.released = released;
      this.settled = settled;
      this.version = version;
    }

    @Override
    public Object process(Map.Entry<Integer, long[]> entry) {
      long[] old = entry.getValue();
      if (old == null) {
        entry.setValue(new long[] {settled, 0, version});
        return null;
      }
      long heldVersion = old.length > 2 ? old[2] : 0;
      // never below 0: a release for an entry re-created since the reservation must not invent balance
      long[] v = new long[] {old[0], Math.max(0, old[1] - released), heldVersion};
      if (version >= heldVersion) {
        v[0] = settled;
        v[2] = version;
      }
      entry.setValue(v);
      return null;
    }
  }
}
