package io.onegate.providers.credential;

import io.onegate.common.domain.Channel;
import io.onegate.providers.spi.CredentialSource;
import io.onegate.providers.spi.CredentialSource.Credential;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per-node cache of short-lived credentials (Baidu access tokens, Zhipu JWTs) with single-flight refresh: while
 * one exchange for a channel key is in flight every caller shares it, a credential is reused until its
 * {@code expiresAt}, and failures are never cached. Entries are keyed by channel id and a hash of the key, so a
 * key edit starts over. Thread-safe and non-blocking; the HTTP call itself is the caller's {@link Exchanger}.
 */
public final class CredentialCache {

  /** Performs a credential exchange request (the transport's HTTP client). */
  @FunctionalInterface
  public interface Exchanger {
    Future<Answer> send(UpstreamRequest request);
  }

  /** The exchange's answer: status and body. */
  public record Answer(int status, Buffer body) {
  }

  private record Entry(Future<Credential> credential) {
  }

  private final Clock clock;
  private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

  public CredentialCache(Clock clock) {
    this.clock = clock;
  }

  /**
   * The credential for the channel's key: cached, joined in flight, computed locally, or exchanged once. Fails
   * with {@link io.onegate.providers.spi.CredentialException} when the key cannot produce one.
   */
  public Future<String> get(Channel channel, CredentialSource source, Exchanger exchanger) {
    String cacheKey = cacheKey(channel);
    Entry entry = entries.compute(cacheKey, (k, current) -> usable(current) ? current
        : new Entry(fetch(channel, source, exchanger)));
    Future<Credential> credential = entry.credential();
    credential.onFailure(error -> entries.remove(cacheKey, entry));
    return credential.map(Credential::value);
  }

  /** Drops the channel's cached credential when {@code failure} says it is stale ({@link CredentialSource#invalidates}). */
  public void onFailure(Channel channel, CredentialSource source, UpstreamFailure failure) {
    if (source.invalidates(failure)) {
      entries.remove(cacheKey(channel));
    }
  }

  private boolean usable(Entry entry) {
    if (entry == null) {
      return false;
    }
    Future<Credential> future = entry.credential();
    if (!future.isComplete()) {
      return true; // join the exchange in flight
    }
    return future.succeeded() && future.result().expiresAt().isAfter(clock.instant());
  }

  private Future<Credential> fetch(Channel channel, CredentialSource source, Exchanger exchanger) {
    try {
      UpstreamRequest request = source.exchangeRequest(channel);
      if (request == null) {
        return Future.succeededFuture(source.local(channel, clock.instant()));
      }
      return exchanger.send(request)
          .map(answer -> source.parse(channel, answer.status(), answer.body(), clock.instant()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static String cacheKey(Channel channel) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(channel.key().getBytes(StandardCharsets.UTF_8));
      return channel.id() + ":" + HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
