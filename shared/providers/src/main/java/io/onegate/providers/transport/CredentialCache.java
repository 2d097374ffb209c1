package io.onegate.providers.transport;

import io.onegate.common.domain.Channel;
import io.onegate.providers.spi.CredentialSource;
import io.onegate.providers.spi.UpstreamRequest;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Short-lived credentials per channel (Baidu access tokens, Zhipu JWTs) from a {@link CredentialSource}: cached
 * until {@code refreshMargin} before expiry; concurrent requests during a refresh share one exchange; a failed
 * exchange is not cached. Keyed by channel id and key, so an edited key is exchanged anew. Thread-safe.
 */
public final class CredentialCache {
  private static final long MAX_EXCHANGE_BODY = 1024 * 1024;

  private final UpstreamClient client;
  private final Clock clock;
  private final Duration refreshMargin;
  private final ConcurrentHashMap<String, Future<CredentialSource.Credential>> cache = new ConcurrentHashMap<>();

  public CredentialCache(UpstreamClient client, Clock clock, Duration refreshMargin) {
    this.client = client;
    this.clock = clock;
    this.refreshMargin = refreshMargin;
  }

  /** The channel's current credential, exchanging (once, shared) when absent or about to expire. */
  public Future<String> credential(Channel channel, CredentialSource source) {
    String cacheKey = channel.id() + ":" + Integer.toHexString(channel.key().hashCode());
    Future<CredentialSource.Credential> current = cache.get(cacheKey);
    if (current != null && (!current.isComplete() || fresh(current))) {
      return current.map(CredentialSource.Credential::value);
    }
    Future<CredentialSource.Credential> next = cache.compute(cacheKey, (k, existing) ->
        existing != null && existing != current && (!existing.isComplete() || fresh(existing))
            ? existing : exchange(channel, source));
    next.onFailure(err -> cache.remove(cacheKey, next));
    return next.map(CredentialSource.Credential::value);
  }

  /** Forgets the channel's cached credential (the upstream said it is stale); the next call exchanges again. */
  public void invalidate(Channel channel) {
    cache.remove(channel.id() + ":" + Integer.toHexString(channel.key().hashCode()));
  }

  private boolean fresh(Future<CredentialSource.Credential> f) {
    return f.succeeded() && f.result().expiresAt().isAfter(clock.instant().plus(refreshMargin));
  }

  private Future<CredentialSource.Credential> exchange(Channel channel, CredentialSource source) {
    UpstreamRequest request;
    try {
      request = source.exchangeRequest(channel);
      if (request == null) {
        return Future.succeededFuture(source.local(channel, clock.instant()));
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return client.send(request).compose(call -> call.readAll(MAX_EXCHANGE_BODY)
        .map(body -> source.parse(channel, call.status(), body, clock.instant())));
  }
}
