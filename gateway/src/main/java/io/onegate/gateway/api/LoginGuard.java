package io.onegate.gateway.api;

import com.hazelcast.map.IMap;
import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.cluster.SlidingWindowCounter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * Login and registration limits, counted cluster-wide in a Hazelcast IMap (an atomic entry processor per key),
 * so spreading attempts over gateway nodes does not multiply them: per client IP {@code CRITICAL_RATE_LIMIT}
 * attempts per 20 minutes (One API's critical limit), and per account {@code LOGIN_FAILURE_LIMIT} failed
 * passwords per 15 minutes.
 */
public final class LoginGuard {
  static final Duration IP_WINDOW = Duration.ofMinutes(20);
  static final Duration ACCOUNT_WINDOW = Duration.ofMinutes(15);
  private final IMap<String, long[]> counters;
  private final Vertx vertx;
  private final Clock clock;
  private final int ipLimit;
  private final int accountLimit;

  public LoginGuard(IMap<String, long[]> counters, Vertx vertx, Clock clock, int ipLimit, int accountLimit) {
    this.counters = counters;
    this.vertx = vertx;
    this.clock = clock;
    this.ipLimit = ipLimit;
    this.accountLimit = accountLimit;
  }

  public static String mapName() {
    return ClusterNames.LOGIN_LIMITS;
  }

  /** Counts one critical attempt from {@code ip}; fails with 429 over the limit. */
  public Future<Void> attemptFromIp(String ip) {
    if (ipLimit <= 0) {
      return Future.succeededFuture();
    }
    return run("ip:" + ip, ipLimit, IP_WINDOW, true)
        .map(ok -> {
          if (!ok) {
            throw ApiException.tooManyRequests("too many attempts from this address: try again later",
                IP_WINDOW.toSeconds());
          }
          return null;
        });
  }

  /** Fails with 429 while {@code username} has too many recent failed logins. */
  public Future<Void> checkAccount(String username) {
    if (accountLimit <= 0) {
      return Future.succeededFuture();
    }
    return run(accountKey(username), accountLimit, ACCOUNT_WINDOW, false)
        .map(ok -> {
          if (!ok) {
            throw ApiException.tooManyRequests("too many failed logins for this account: try again later",
                ACCOUNT_WINDOW.toSeconds());
          }
          return null;
        });
  }

  /** Records a failed login of {@code username}. */
  public Future<Void> recordFailure(String username) {
    if (accountLimit <= 0) {
      return Future.succeededFuture();
    }
    return run(accountKey(username), Integer.MAX_VALUE, ACCOUNT_WINDOW, true).mapEmpty();
  }

  private static String accountKey(String username) {
    return "account:" + username.trim().toLowerCase(Locale.ROOT);
  }

  private Future<Boolean> run(String key, int limit, Duration window, boolean record) {
    return Future.fromCompletionStage(
        counters.submitToKey(key, new SlidingWindowCounter(clock.millis(), limit, window.toMillis(), record)),
        vertx.getOrCreateContext());
  }
}
