package io.onegate.gateway.state;

import io.onegate.common.crypto.TokenVault;
import io.onegate.common.domain.Channel;
import io.onegate.common.options.Options;
import io.onegate.common.pricing.PriceBook;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything a relayed request reads, as one immutable value: tokens by key digest ({@link TokenVault}: the
 * snapshot, like the database, holds no usable key), users, administrators by the digest of their access token
 * (FastGPT's AI Proxy token is also its relay key), channels, the ability index, options and the price book.
 * Replaced whole (copy-on-write) by {@link StateStore}; readers never lock.
 */
public record Snapshot(Map<String, TokenRecord> tokensByDigest, Map<Integer, TokenRecord> tokensById,
                       Map<Integer, UserRecord> users, Map<String, UserRecord> adminsByAccessToken,
                       Map<Integer, Channel> channels, AbilityIndex abilities, Options options, PriceBook prices,
                       TokenVault vault) {

  public static Snapshot of(Iterable<TokenRecord> tokens, Iterable<UserRecord> users, Iterable<Channel> channels,
                            Options options, TokenVault vault) {
    Map<String, TokenRecord> byDigest = new HashMap<>();
    Map<Integer, TokenRecord> byId = new HashMap<>();
    for (TokenRecord t : tokens) {
      byDigest.put(t.keyDigest(), t);
      byId.put(t.id(), t);
    }
    Map<Integer, UserRecord> userMap = new HashMap<>();
    users.forEach(u -> userMap.put(u.id(), u));
    Map<Integer, Channel> channelMap = new HashMap<>();
    channels.forEach(c -> channelMap.put(c.id(), c));
    return new Snapshot(byDigest, byId, userMap, admins(userMap), channelMap, AbilityIndex.build(channelMap.values()),
        options, PriceBook.from(options), vault);
  }

  /** The token whose key (as presented, without {@code sk-} and channel suffix) this is; null when unknown. */
  public TokenRecord tokenForKey(String key) {
    return tokensByDigest.get(vault.digest(key));
  }

  /** The enabled-or-not administrator whose access token this is; null when none. */
  public UserRecord adminForAccessToken(String accessToken) {
    return adminsByAccessToken.isEmpty() ? null : adminsByAccessToken.get(vault.digest(accessToken));
  }

  /** The administrators that have an access token, by its digest. */
  private static Map<String, UserRecord> admins(Map<Integer, UserRecord> users) {
    Map<String, UserRecord> admins = new HashMap<>();
    users.values().forEach(u -> {
      if (u.accessTokenDigest() != null && u.admin()) {
        admins.put(u.accessTokenDigest(), u);
      }
    });
    return admins;
  }

  public Snapshot withToken(int id, TokenRecord token) {
    Map<String, TokenRecord> byDigest = new HashMap<>(tokensByDigest);
    Map<Integer, TokenRecord> byId = new HashMap<>(tokensById);
    TokenRecord old = byId.remove(id);
    if (old != null) {
      byDigest.remove(old.keyDigest());
    }
    if (token != null) {
      byDigest.put(token.keyDigest(), token);
      byId.put(token.id(), token);
    }
    return new Snapshot(byDigest, byId, users, adminsByAccessToken, channels, abilities, options, prices, vault);
  }

  public Snapshot withUser(int id, UserRecord user) {
    Map<Integer, UserRecord> copy = new HashMap<>(users);
    if (user == null) {
      copy.remove(id);
    } else {
      copy.put(id, user);
    }
    return new Snapshot(tokensByDigest, tokensById, copy, admins(copy), channels, abilities, options, prices, vault);
  }

  public Snapshot withChannel(int id, Channel channel) {
    Map<Integer, Channel> copy = new HashMap<>(channels);
    if (channel == null) {
      copy.remove(id);
    } else {
      copy.put(id, channel);
    }
    return new Snapshot(tokensByDigest, tokensById, users, adminsByAccessToken, copy, AbilityIndex.build(copy.values()),
        options, prices, vault);
  }

  public Snapshot withOptions(Options newOptions) {
    return new Snapshot(tokensByDigest, tokensById, users, adminsByAccessToken, channels, abilities, newOptions,
        PriceBook.from(newOptions), vault);
  }
}
