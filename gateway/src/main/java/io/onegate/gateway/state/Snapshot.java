package io.onegate.gateway.state;

import io.onegate.common.domain.Channel;
import io.onegate.common.options.Options;
import io.onegate.common.pricing.PriceBook;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything a relayed request reads, as one immutable value: tokens by key, users, administrators by the digest
 * of their access token ({@link AccessTokens}), channels, the ability index, options and the price book. Replaced
 * whole (copy-on-write) by {@link StateStore}; readers never lock.
 */
public record Snapshot(Map<String, TokenRecord> tokensByKey, Map<Integer, TokenRecord> tokensById,
                       Map<Integer, UserRecord> users, Map<String, UserRecord> adminsByAccessToken,
                       Map<Integer, Channel> channels, AbilityIndex abilities, Options options, PriceBook prices) {

  public static Snapshot of(Iterable<TokenRecord> tokens, Iterable<UserRecord> users, Iterable<Channel> channels,
                            Options options) {
    Map<String, TokenRecord> byKey = new HashMap<>();
    Map<Integer, TokenRecord> byId = new HashMap<>();
    for (TokenRecord t : tokens) {
      byKey.put(t.key(), t);
      byId.put(t.id(), t);
    }
    Map<Integer, UserRecord> userMap = new HashMap<>();
    users.forEach(u -> userMap.put(u.id(), u));
    Map<Integer, Channel> channelMap = new HashMap<>();
    channels.forEach(c -> channelMap.put(c.id(), c));
    return new Snapshot(byKey, byId, userMap, admins(userMap), channelMap, AbilityIndex.build(channelMap.values()),
        options, PriceBook.from(options));
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
    Map<String, TokenRecord> byKey = new HashMap<>(tokensByKey);
    Map<Integer, TokenRecord> byId = new HashMap<>(tokensById);
    TokenRecord old = byId.remove(id);
    if (old != null) {
      byKey.remove(old.key());
    }
    if (token != null) {
      byKey.put(token.key(), token);
      byId.put(token.id(), token);
    }
    return new Snapshot(byKey, byId, users, adminsByAccessToken, channels, abilities, options, prices);
  }

  public Snapshot withUser(int id, UserRecord user) {
    Map<Integer, UserRecord> copy = new HashMap<>(users);
    if (user == null) {
      copy.remove(id);
    } else {
      copy.put(id, user);
    }
    return new Snapshot(tokensByKey, tokensById, copy, admins(copy), channels, abilities, options, prices);
  }

  public Snapshot withChannel(int id, Channel channel) {
    Map<Integer, Channel> copy = new HashMap<>(channels);
    if (channel == null) {
      copy.remove(id);
    } else {
      copy.put(id, channel);
    }
    return new Snapshot(tokensByKey, tokensById, users, adminsByAccessToken, copy, AbilityIndex.build(copy.values()),
        options, prices);
  }

  public Snapshot withOptions(Options newOptions) {
    return new Snapshot(tokensByKey, tokensById, users, adminsByAccessToken, channels, abilities, newOptions,
        PriceBook.from(newOptions));
  }
}
