package io.onegate.health.schedule;

import io.onegate.health.channel.ChannelRepository;
import io.onegate.health.channel.StoredChannel;
import io.onegate.health.probe.ChannelTester;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the scheduled channel tests on exactly one health worker. Every tick it renews (or tries to take) the
 * {@link LeaderLease}; the leader claims round {@code floor(now / period)} in PostgreSQL and, if the claim is
 * new, tests every enabled and auto-disabled channel one at a time, pausing {@code POLLING_INTERVAL} between
 * channels. Channels are interleaved across providers so that consecutive tests hit different upstreams. A round
 * stops early when this worker loses the lease; the next round belongs to whoever leads then.
 */
public final class TestScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(TestScheduler.class);

  private final Vertx vertx;
  private final LeaderLease lease;
  private final RoundRepository rounds;
  private final ChannelRepository channels;
  private final ChannelTester tester;
  private final Clock clock;
  private final Duration period;
  private final Duration pause;
  private final Duration renewEvery;
  private long timerId = -1;
  private long lastRenewMillis;
  private long lastRoundTried = -1;
  private boolean renewing;
  private boolean running;
  private volatile boolean stopped;

  public TestScheduler(Vertx vertx, LeaderLease lease, RoundRepository rounds, ChannelRepository channels,
                       ChannelTester tester, Clock clock, Duration period, Duration pause, Duration leaseLength) {
    if (period.toSeconds() < 1) {
      throw new IllegalArgumentException("test period must be at least 1 s, got " + period);
    }
    this.vertx = vertx;
    this.lease = lease;
    this.rounds = rounds;
    this.channels = channels;
    this.tester = tester;
    this.clock = clock;
    this.period = period;
    this.pause = pause;
    this.renewEvery = leaseLength.dividedBy(3);
  }

  /** Starts ticking on the caller's context (call from the application's start). */
  public void start() {
    long tick = Math.max(100, Math.min(1000, renewEvery.toMillis()));
    timerId = vertx.setPeriodic(1, tick, id -> tick());
    LOG.info("scheduled channel tests every {} s (member {})", period.toSeconds(), lease.member());
  }

  private void tick() {
    if (stopped) {
      return;
    }
    long now = clock.millis();
    if (!renewing && now - lastRenewMillis >= renewEvery.toMillis()) {
      renewing = true;
      lastRenewMillis = now;
      boolean wasLeader = lease.isLeader();
      lease.acquireOrRenew()
          .onComplete(ar -> {
            renewing = false;
            boolean leads = ar.succeeded() && ar.result();
            if (leads != wasLeader) {
              LOG.info("member {} {} the channel-test leadership", lease.member(), leads ? "took" : "lost");
            }
            if (leads) {
              maybeStartRound();
            }
          });
      return;
    }
    maybeStartRound();
  }

  private void maybeStartRound() {
    if (stopped || running || !lease.isLeader()) {
      return;
    }
    long nowSeconds = clock.instant().getEpochSecond();
    long roundId = nowSeconds / period.toSeconds();
    if (roundId == lastRoundTried) {
      return;
    }
    lastRoundTried = roundId;
    running = true;
    int periodSeconds = (int) period.toSeconds();
    rounds.claim(roundId, periodSeconds, nowSeconds, lease.member())
        .compose(claimed -> claimed ? runRound(roundId, periodSeconds) : Future.succeededFuture())
        .onFailure(err -> LOG.warn("test round {} failed: {}", roundId, err.getMessage()))
        .onComplete(ar -> running = false);
  }

  private Future<Void> runRound(long roundId, int periodSeconds) {
    LOG.info("member {} runs channel-test round {}", lease.member(), roundId);
    int[] stats = new int[2];
    return channels.testable()
        .compose(list -> testFrom(spread(list), 0, stats))
        .compose(v -> rounds.finish(roundId, periodSeconds, clock.instant().getEpochSecond(), stats[0], stats[1]))
        .onSuccess(v -> LOG.info("channel-test round {} done: {} tested, {} failed", roundId, stats[0], stats[1]));
  }

  private Future<Void> testFrom(List<StoredChannel> list, int index, int[] stats) {
    if (index >= list.size() || stopped || !lease.isLeader()) {
      return Future.succeededFuture();
    }
    return tester.testScheduled(list.get(index))
        .onSuccess(report -> {
          stats[0]++;
          if (!report.result().success()) {
            stats[1]++;
          }
        })
        .otherwiseEmpty()
        .compose(v -> index + 1 < list.size() && !pause.isZero()
            ? vertx.timer(pause.toMillis()).mapEmpty()
            : Future.<Void>succeededFuture())
        .compose(v -> testFrom(list, index + 1, stats));
  }

  /** Interleaves channels across upstreams (type + host): A1 B1 C1 A2 B2 A3 … */
  static List<StoredChannel> spread(List<StoredChannel> list) {
    Map<String, ArrayDeque<StoredChannel>> byUpstream = new LinkedHashMap<>();
    for (StoredChannel c : list) {
      byUpstream.computeIfAbsent(upstreamOf(c), k -> new ArrayDeque<>()).add(c);
    }
    List<StoredChannel> out = new ArrayList<>(list.size());
    while (out.size() < list.size()) {
      for (ArrayDeque<StoredChannel> queue : byUpstream.values()) {
        if (!queue.isEmpty()) {
          out.add(queue.poll());
        }
      }
    }
    return out;
  }

  private static String upstreamOf(StoredChannel c) {
    String host = "";
    try {
      host = c.channel().baseUrl().isEmpty() ? "" : String.valueOf(URI.create(c.channel().baseUrl()).getHost());
    } catch (IllegalArgumentException e) {
      host = c.channel().baseUrl();
    }
    return c.channel().type() + "|" + host;
  }

  /** Stops ticking and gives the lease up (another worker leads at once). */
  public Future<Void> stop() {
    stopped = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    return lease.release();
  }

  public boolean isLeader() {
    return lease.isLeader();
  }
}
