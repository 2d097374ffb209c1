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
 * <p>Entries are seeded lazily from the caller's snapshot of PostgreSQL ({@link Seed}) when absent, or created by
 * the billing worker with the exact settled value after a flush. An entry is {@code long[]{settled, pending,
 * version, generation}}: {@code version} is the {@code quota_version} of the PostgreSQL row the settled value was
 * read from (0 for a seed from a snapshot); absolute settled values are accepted only with a version at least the
 * one held, so a late update never moves a balance backwards (see docs/billing.md). {@code generation} is the row's
 * {@code quota_generation}, bumped by an admin's absolute quota set: an update of a newer generation starts the
 * entry afresh (pending 0: what was reserved or emitted under the old value is not charged against the new one), and
 * pending changes tagged with an older generation are dropped. Every admission reports the generation it was made
 * under; usage events carry it to the ledger.
 */
public final class LiveBalances {
  /** What the caller's snapshot says of an account, used only when the cluster has no entry for it yet. */
  public record Seed(long quota, long generation) {
  }

  /** The answer to a lease call: the extra lease granted (≥ 0), or -1 when refused; the entry's generation. */
  public record Grant(long extra, long generation) {
    public boolean admitted() {
      return extra >= 0;
    }
  }

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
   * One atomic step of a node's lease on a user's balance (see {@link BalanceLeases}): pending drops by
   * {@code giveBack} (the node's unused lease, reserved under {@code giveBackGeneration}; negative when the node
   * owes; dropped when the entry has moved to another generation since), then {@code amount} is reserved and, when
   * the balance left allows, an extra lease of up to {@code maxExtra} is granted: at most 1/{@code headroom} of what
   * is left, and only if that is at least {@code amount}. The give-back is applied either way.
   */
  public Future<Grant> leaseUser(Context ctx, int userId, Seed seed, long giveBack, long giveBackGeneration,
                                 long amount, long maxExtra, int headroom) {
    return on(ctx, users.submitToKey(userId, new Lease(seed.quota(), seed.generation(), giveBack,
        giveBackGeneration, amount, maxExtra, headroom))).map(r -> new Grant(r[0], r[1]));
  }

  /** {@link #leaseUser} for a limited token. */
  public Future<Grant> leaseToken(Context ctx, int tokenId, Seed seed, long giveBack, long giveBackGeneration,
                                  long amount, long maxExtra, int headroom) {
    return on(ctx, tokens.submitToKey(tokenId, new Lease(seed.quota(), seed.generation(), giveBack,
        giveBackGeneration, amount, maxExtra, headroom))).map(r -> new Grant(r[0], r[1]));
  }

  /**
   * pending += delta on the user's entry (lease returns and settlements) when it is still at {@code generation};
   * absent entries are left alone.
   */
  public Future<Void> adjustUserPending(Context ctx, int userId, long delta, long generation) {
    return delta == 0 ? Future.succeededFuture()
        : on(ctx, users.submitToKey(userId, new Adjust(delta, generation))).mapEmpty();
  }

  /** {@link #adjustUserPending} for a limited token. */
  public Future<Void> adjustTokenPending(Context ctx, int tokenId, long delta, long generation) {
    return delta == 0 ? Future.succeededFuture()
        : on(ctx, tokens.submitToKey(tokenId, new Adjust(delta, generation))).mapEmpty();
  }

  /**
   * A committed ledger change (billing-worker flush, top-up, redemption, admin edit): the user's PostgreSQL quota
   * is now {@code settled} at {@code quotaVersion} and {@code generation}, and {@code releasedPending} of usage that
   * was pending in this epoch and that generation is now part of it. Creates the entry when absent (nothing of this
   * epoch is pending for it then); a newer generation starts the entry afresh (pending 0).
   */
  public Future<Void> ledgerUser(Context ctx, int userId, long releasedPending, long settled, long quotaVersion,
                                 long generation) {
    return on(ctx, users.submitToKey(userId, new Ledger(releasedPending, settled, quotaVersion, generation)))
        .mapEmpty();
  }

  /** {@link #ledgerUser} for a limited token: its remaining quota is now {@code settled}. */
  public Future<Void> ledgerToken(Context ctx, int tokenId, long releasedPending, long settled, long quotaVersion,
                                  long generation) {
    return on(ctx, tokens.submitToKey(tokenId, new Ledger(releasedPending, settled, quotaVersion, generation)))
        .mapEmpty();
  }

  /** Raw {settled, pending, version, generation} of one user, or null when absent (reconciliation and tests). */
  public Future<long[]> rawUser(Context ctx, int userId) {
    return on(ctx, users.getAsync(userId));
  }

  /** Raw {settled, pending, version, generation} of one token, or null when absent. */
  public Future<long[]> rawToken(Context ctx, int tokenId) {
    return on(ctx, tokens.getAsync(tokenId));
  }

  /** The token became unlimited: forget the entry (unlimited tokens have none; a limited one again re-seeds). */
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

  /** {settled, pending, version, generation} of a held value (entries written before generations had three). */
  static long[] widen(long[] held) {
    return held.length >= 4 ? held.clone() : new long[] {held[0], held[1], held.length > 2 ? held[2] : 0, 0};
  }

  /**
   * See {@link #leaseUser}. Seeds when absent. Pending never drops below 0 (a give-back to an entry re-created
   * since). Answers {@code {extra or -1, generation}}.
   */
  static final class Lease implements EntryProcessor<Integer, long[], long[]>, Serializable {
    private static final long serialVersionUID = 2L;
    private final long seed;
    private final long seedGeneration;
    private final long giveBack;
    private final long giveBackGeneration;
    private final long amount;
    private final long maxExtra;
    private final int headroom;

    Lease(long seed, long seedGeneration, long giveBack, long giveBackGeneration, long amount, long maxExtra,
          int headroom) {
      this.seed = seed;
      this.seedGeneration = seedGeneration;
      this.giveBack = giveBack;
      this.giveBackGeneration = giveBackGeneration;
      this.amount = amount;
      this.maxExtra = maxExtra;
      this.headroom = headroom;
    }

    @Override
    public long[] process(Map.Entry<Integer, long[]> entry) {
      long[] v = entry.getValue() == null ? new long[] {seed, 0, 0, seedGeneration} : widen(entry.getValue());
      if (giveBackGeneration == v[3]) {
        v[1] = Math.max(0, v[1] - giveBack);
      }
      long left = v[0] - v[1] - amount;
      if (left < 0) {
        entry.setValue(v);
        return new long[] {-1, v[3]};
      }
      long extra = headroom <= 0 ? 0 : Math.min(maxExtra, left / headroom);
      if (extra < Math.max(1, amount)) {
        extra = 0;
      }
      v[1] += amount + extra;
      entry.setValue(v);
      return new long[] {extra, v[3]};
    }
  }

  /** pending += delta on an existing entry still at the delta's generation (absent entries: the next seed). */
  static final class Adjust implements EntryProcessor<Integer, long[], Object>, Serializable {
    private static final long serialVersionUID = 2L;
    private final long dPending;
    private final long generation;

    Adjust(long dPending, long generation) {
      this.dPending = dPending;
      this.generation = generation;
    }

    @Override
    public Object process(Map.Entry<Integer, long[]> entry) {
      if (entry.getValue() == null) {
        return null;
      }
      long[] v = widen(entry.getValue());
      if (v[3] != generation) {
        return null; // reserved under a value an admin has replaced since: nothing of it is pending any more
      }
      v[1] += dPending;
      entry.setValue(v);
      return null;
    }
  }

  /**
   * A newer generation starts afresh (pending 0); pending -= released when the generations match; settled :=
   * settled at version when version >= the held one; creates when absent.
   */
  static final class Ledger implements EntryProcessor<Integer, long[], Object>, Serializable {
    private static final long serialVersionUID = 2L;
    private final long released;
    private final long settled;
    private final long version;
    private final long generation;

    Ledger(long released, long settled, long version, long generation) {
      this.released = released;
      this.settled = settled;
      this.version = version;
      this.generation = generation;
    }

    @Override
    public Object process(Map.Entry<Integer, long[]> entry) {
      if (entry.getValue() == null) {
        entry.setValue(new long[] {settled, 0, version, Math.max(0, generation)});
        return null;
      }
      long[] v = widen(entry.getValue());
      if (generation > v[3]) {
        v[1] = 0; // an admin set a new absolute value: what was pending belonged to the old one
        v[3] = generation;
      } else if (generation == v[3]) {
        // never below 0: a release for an entry re-created since the reservation must not invent balance
        v[1] = Math.max(0, v[1] - released);
      }
      if (version >= v[2]) {
        v[0] = settled;
        v[2] = version;
      }
      entry.setValue(v);
      return null;
    }
  }
}
