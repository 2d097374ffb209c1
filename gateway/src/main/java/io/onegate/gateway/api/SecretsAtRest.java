package io.onegate.gateway.api;

import io.onegate.common.crypto.TokenVault;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps relay keys and access tokens out of PostgreSQL in usable form ({@link TokenVault}): converts rows that
 * still hold a plaintext secret (a database taken over from One API or from the previous OneGate version, or a row
 * a node of the previous version wrote during a rolling upgrade) into digest + sealed form, with a placeholder in
 * {@code tokens.key} and NULL in {@code users.access_token}; and re-seals them under a new {@code CRYPTO_SECRET}.
 *
 * <p>Each gateway converts at start-up and every {@link #PERIOD_MILLIS} (a partial index makes the empty check
 * free). Concurrent gateways are harmless: each update is guarded by the row's unconverted state. The digests of a
 * converted key and of its plaintext are equal, so the relay's index does not change (no notice needed).
 */
final class SecretsAtRest {
  static final long PERIOD_MILLIS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(SecretsAtRest.class);
  private static final int BATCH = 500;

  private final Vertx vertx;
  private final Pool pg;
  private final TokenVault vault;

  SecretsAtRest(Vertx vertx, Pool pg, TokenVault vault) {
    this.vertx = vertx;
    this.pg = pg;
    this.vault = vault;
  }

  /** Converts every plaintext secret; the number converted. */
  Future<Integer> convertAll() {
    return loop(this::tokensBatch, 0).compose(tokens -> loop(this::accessTokensBatch, 0).map(users -> {
      if (tokens + users > 0) {
        LOG.info("stored {} relay keys and {} access tokens as digest and sealed form (plaintext removed)", tokens,
            users);
      }
      return tokens + users;
    }));
  }

  private Future<Integer> loop(java.util.function.Supplier<Future<Integer>> batch, int done) {
    return batch.get().compose(n -> n < BATCH ? Future.succeededFuture(done + n) : loop(batch, done + n));
  }

  private Future<Integer> tokensBatch() {
    return pg.preparedQuery("SELECT id, key FROM tokens WHERE key_digest IS NULL ORDER BY id LIMIT $1")
        .execute(Tuple.of(BATCH))
        .compose(rows -> vertx.executeBlocking(() -> {
          List<Tuple> updates = new ArrayList<>();
          for (Row r : rows) {
            String legacy = r.getString("key");
            String key = legacy.trim();
            String digest = vault.digest(key);
            updates.add(Tuple.of(r.getInteger("id"), legacy, TokenVault.placeholder(digest), digest,
                vault.seal(key)));
          }
          return updates;
        }, false))
        .compose(updates -> updates.isEmpty() ? Future.succeededFuture(0)
            : pg.preparedQuery("UPDATE tokens SET key = $3, key_digest = $4, key_sealed = $5 WHERE id = $1 "
                + "AND key = $2 AND key_digest IS NULL").executeBatch(updates).map(updates.size()));
  }

  private Future<Integer> accessTokensBatch() {
    return pg.preparedQuery("SELECT id, access_token FROM users WHERE access_token IS NOT NULL ORDER BY id LIMIT $1")
        .execute(Tuple.of(BATCH))
        .compose(rows -> vertx.executeBlocking(() -> {
          List<Tuple> updates = new ArrayList<>();
          for (Row r : rows) {
            String legacy = r.getString("access_token");
            String token = legacy.trim();
            updates.add(Tuple.of(r.getInteger("id"), legacy, vault.digest(token), vault.seal(token)));
          }
          return updates;
        }, false))
        .compose(updates -> updates.isEmpty() ? Future.succeededFuture(0)
            : pg.preparedQuery("UPDATE users SET access_token = NULL, access_token_digest = $3, "
                + "access_token_sealed = $4 WHERE id = $1 AND access_token = $2").executeBatch(updates)
            .map(updates.size()));
  }

  /**
   * Within {@code sql}'s transaction: re-seals, under the current secret, every relay key and access token that
   * only {@code old} can open, with a fresh digest. Fails with a refusal naming them when neither can open some
   * (then the caller's transaction changes nothing). The number re-sealed.
   */
  Future<Integer> rekey(SqlClient sql, TokenVault old) {
    return rekey(sql, old, "SELECT id, key_sealed AS sealed FROM tokens WHERE key_sealed IS NOT NULL ORDER BY id "
            + "FOR UPDATE", "UPDATE tokens SET key = $4, key_digest = $2, key_sealed = $3 WHERE id = $1", true,
        "tokens")
        .compose(tokens -> rekey(sql, old, "SELECT id, access_token_sealed AS sealed FROM users WHERE "
                + "access_token_sealed IS NOT NULL ORDER BY id FOR UPDATE",
            "UPDATE users SET access_token_digest = $2, access_token_sealed = $3 WHERE id = $1", false,
            "users' access tokens")
            .map(users -> tokens + users));
  }

  /** {@code placeholder}: the update's $4 is the legacy column's placeholder. */
  private Future<Integer> rekey(SqlClient sql, TokenVault old, String select, String update, boolean placeholder,
                                String what) {
    return sql.query(select).execute()
        .compose(rows -> vertx.executeBlocking(() -> {
          List<Tuple> updates = new ArrayList<>();
          List<Integer> unreadable = new ArrayList<>();
          for (Row r : rows) {
            String sealed = r.getString("sealed");
            if (vault.canOpen(sealed)) {
              continue;
            }
            if (!old.canOpen(sealed)) {
              unreadable.add(r.getInteger("id"));
              continue;
            }
            String secret = old.open(sealed);
            String digest = vault.digest(secret);
            Tuple t = Tuple.of(r.getInteger("id"), digest, vault.seal(secret));
            updates.add(placeholder ? t.addString(TokenVault.placeholder(digest)) : t);
          }
          if (!unreadable.isEmpty()) {
            throw ApiException.badRequest("the " + what + " " + abbreviate(unreadable) + " cannot be read with the "
                + "current CRYPTO_SECRET nor with old_secret: nothing was changed");
          }
          return updates;
        }, false))
        .compose(updates -> updates.isEmpty() ? Future.succeededFuture(0)
            : sql.preparedQuery(update).executeBatch(updates).map(updates.size()));
  }

  private static String abbreviate(List<Integer> ids) {
    return ids.size() <= 20 ? "#" + ids : "#" + ids.subList(0, 20) + " and " + (ids.size() - 20) + " more";
  }
}
