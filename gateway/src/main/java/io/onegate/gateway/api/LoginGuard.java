package io.onegate.gateway.api;

import com.hazelcast.map.IMap;
import com.hazelcast.map.EntryProcessor;
import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.cluster.FailureBackoff;
import io.onegate.common.cluster.SlidingWindowLimit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;

/**
 * Login and registration limits, counted cluster-wide in a Hazelcast IMap (an atomic entry processor per key), so
 * spreading attempts over gateway nodes does not multiply them. Nothing here can lock an owner out from an address
 * of their own:
 * <ul>
 *   <li>per client <b>address</b> ({@code CRITICAL_RATE_LIMIT} per 20 minutes, One API's critical limit):
 *       registrations and failed logins; a successful login does not count. Checked before anything else;</li>
 *   <li>per <b>account and address</b>: after {@code LOGIN_FAILURE_LIMIT} failed logins of one account from one
 *       address, that address waits an exponential back-off (30 s, doubling, at most 15 minutes) before its next
 *       try; a success from there clears it, other addresses are not affected, failures are forgotten after a
 *       day. The account key is the user id (a username and its email share it), or the typed name when no user
 *       has it — both behave alike, so nothing tells whether an account exists.</li>
 * </ul>
 * Attempts count when admitted (a success is refunded), so concurrent attempts cannot slip past the limits. An IPv6
 * client counts by its /64 network (one host owns a whole /64). Behind a reverse proxy the address is the proxy's
 * unless {@code TRUSTED_PROXIES} names it: the refusals say so.
 */
public final class LoginGuard {
  static final Duration ADDRESS_WINDOW = Duration.ofMinutes(20);
  static final Duration BACKOFF_BASE = Duration.ofSeconds(30);
  static final Duration BACKOFF_MAX = Duration.ofMinutes(15);
  static final Duration FORGET_FAILURES = Duration.ofDays(1);
  private static final String PROXY_HINT = "Behind a reverse proxy or load balancer every client shares the proxy's "
      + "address: the administrator must set TRUSTED_PROXIES so that each client's own address is counted.";

  /** An attempt the address limit admitted (counted at {@code stamp}). */
  public record Attempt(ClientAddress address, long stamp) {
  }

  private final IMap<String, long[]> counters;
  private final Vertx vertx;
  private final Clock clock;
  private final int addressLimit;
  private final FailureBackoff.Rule backoff;

  /** {@code addressLimit} / {@code accountFailures} 0: that limit is off. */
  public LoginGuard(IMap<String, long[]> counters, Vertx vertx, Clock clock, int addressLimit, int accountFailures) {
    this.counters = counters;
    this.vertx = vertx;
    this.clock = clock;
    this.addressLimit = addressLimit;
    this.backoff = accountFailures <= 0 ? null : new FailureBackoff.Rule(accountFailures, BACKOFF_BASE.toMillis(),
        BACKOFF_MAX.toMillis(), FORGET_FAILURES.toMillis());
  }

  public static String mapName() {
    return ClusterNames.LOGIN_GUARD;
  }

  /** A login from {@code address}: counted against its limit at once; fails with 429 over the limit. */
  public Future<Attempt> admitLogin(ClientAddress address) {
    return admitAddress(address, "too many failed logins from your address " + address.text());
  }

  /** A registration from {@code address}: counted against the same limit, never refunded. */
  public Future<Void> admitRegistration(ClientAddress address) {
    return admitAddress(address, "too many registrations and failed logins from your address " + address.text())
        .mapEmpty();
  }

  /**
   * The back-off of {@code account} from the attempt's address: counts the attempt as a failure until
   * {@link #succeeded}; while the back-off runs, fails with 429 (and the address is not charged for it).
   */
  public Future<Void> admitAccount(Attempt attempt, String account) {
    if (backoff == null) {
      return Future.succeededFuture();
    }
    return run(accountKey(account, attempt.address()), FailureBackoff.admit(clock.millis(), backoff))
        .compose(wait -> wait <= 0 ? Future.succeededFuture() : refund(attempt).compose(v -> Future.failedFuture(
            ApiException.tooManyRequests("too many failed logins for this account from your address: try again in "
                + seconds(wait) + " s (logins from other addresses are not affected). " + PROXY_HINT,
                seconds(wait)))));
  }

  /** A successful login: the attempt no longer counts against the address, the account's back-off is cleared. */
  public Future<Void> succeeded(Attempt attempt, String account) {
    Future<Void> clear = backoff == null ? Future.succeededFuture()
        : run(accountKey(account, attempt.address()), FailureBackoff.clear(clock.millis(), backoff)).mapEmpty();
    return clear.compose(v -> refund(attempt));
  }

  private Future<Attempt> admitAddress(ClientAddress address, String refusal) {
    long now = clock.millis();
    if (addressLimit <= 0) {
      return Future.succeededFuture(new Attempt(address, -1));
    }
    return run(addressKey(address), SlidingWindowLimit.admit(now, addressLimit, ADDRESS_WINDOW.toMillis()))
        .map(wait -> {
          if (wait > 0) {
            throw ApiException.tooManyRequests(refusal + ": try again in " + seconds(wait) + " s. " + PROXY_HINT,
                seconds(wait));
          }
          return new Attempt(address, now);
        });
  }

  private Future<Void> refund(Attempt attempt) {
    if (attempt.stamp() < 0) {
      return Future.succeededFuture();
    }
    return run(addressKey(attempt.address()), SlidingWindowLimit.refund(clock.millis(), ADDRESS_WINDOW.toMillis(),
        attempt.stamp())).mapEmpty();
  }

  private static String addressKey(ClientAddress address) {
    return "address:" + address.limitKey();
  }

  private static String accountKey(String account, ClientAddress address) {
    return "account:" + address.limitKey() + ":" + account;
  }

  private static long seconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }

  private Future<Long> run(String key, EntryProcessor<String, long[], Long> processor) {
    return Future.fromCompletionStage(counters.submitToKey(key, processor), vertx.getOrCreateContext());
  }
}
