package io.onegate.billing.channels;

import io.onegate.common.domain.Channel;
import io.onegate.common.domain.ChannelRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes the upstream balance of every channel whose provider exposes one, one channel after another, pausing
 * {@code POLLING_INTERVAL} seconds between successive channels (One API's meaning), and stores {@code balance}
 * and {@code balance_updated_time}. One round at a time in the whole cluster (a Vert.x cluster-wide lock), so N
 * billing workers do not multiply upstream calls. A failure is logged and leaves the stored balance unchanged;
 * a balance never changes a channel's status.
 */
public final class ChannelBalanceRefresher {
  static final String LOCK = "onegate.billing.channel-balances";
  private static final Logger LOG = LoggerFactory.getLogger(ChannelBalanceRefresher.class);

  private final Vertx vertx;
  private final Pool pg;
  private final ChannelRepository channels;
  private final BalanceFetcher fetcher;
  private final Clock clock;
  private final Duration pause;

  public ChannelBalanceRefresher(Vertx vertx, Pool pg, ChannelRepository channels, BalanceFetcher fetcher,
                                 Clock clock, Duration pause) {
    this.vertx = vertx;
    this.pg = pg;
    this.channels = channels;
    this.fetcher = fetcher;
    this.clock = clock;
    this.pause = pause;
  }

  /** One round over all supported channels under the cluster lock; completes with how many were updated. */
  public Future<Integer> refreshAll() {
    return vertx.sharedData().getLockWithTimeout(LOCK, 1000).compose(lock -> channels.loadAll()
        .compose(all -> refresh(all.stream().filter(c -> BalanceFetcher.supports(c.type())).toList()))
        .eventually(() -> {
          lock.release();
          return Future.succeededFuture();
        }), busy -> {
          LOG.debug("another billing worker is refreshing channel balances");
          return Future.succeededFuture(0);
        });
  }

  /**
   * Refreshes one channel now (the admin's "update balance"): completes with the stored balance, or fails with a
   * message when the channel does not exist or its type exposes no balance.
   */
  public Future<Double> refreshChannel(int channelId) {
    return channels.load(channelId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new IllegalArgumentException("channel " + channelId + " not found"));
      }
      Channel channel = found.get();
      if (!BalanceFetcher.supports(channel.type())) {
        return Future.failedFuture(new IllegalArgumentException("channel type " + channel.type()
            + " has no balance endpoint"));
      }
      return fetcher.fetch(channel).compose(balance -> balance.isEmpty()
          ? Future.failedFuture(new IllegalStateException("the provider did not report a balance"))
          : pg.preparedQuery("UPDATE channels SET balance = $2, balance_updated_time = $3 WHERE id = $1")
              .execute(Tuple.of(channel.id(), balance.get(), clock.instant().getEpochSecond()))
              .map(balance.get()));
    });
  }

  private Future<Integer> refresh(List<Channel> list) {
    AtomicInteger updated = new AtomicInteger();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < list.size(); i++) {
      Channel channel = list.get(i);
      boolean last = i == list.size() - 1;
      chain = chain.compose(v -> refreshOne(channel).map(ok -> {
        if (ok) {
          updated.incrementAndGet();
        }
        return null;
      })).compose(v -> last ? Future.succeededFuture() : sleep());
    }
    return chain.map(v -> updated.get());
  }

  private Future<Boolean> refreshOne(Channel channel) {
    return fetcher.fetch(channel).compose(balance -> {
      if (balance.isEmpty()) {
        return Future.succeededFuture(false);
      }
      return pg.preparedQuery("UPDATE channels SET balance = $2, balance_updated_time = $3 WHERE id = $1")
          .execute(Tuple.of(channel.id(), balance.get(), clock.instant().getEpochSecond())).map(true);
    }).recover(err -> {
      LOG.warn("balance of channel {} ({}) not refreshed: {}", channel.id(), channel.name(), err.getMessage());
      return Future.succeededFuture(false);
    });
  }

  private Future<Void> sleep() {
    if (pause.isZero()) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    vertx.setTimer(pause.toMillis(), id -> done.complete());
    return done.future();
  }
}
