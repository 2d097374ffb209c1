package io.onegate.gateway.state;

import io.onegate.common.crypto.TokenVault;
import io.onegate.common.domain.Channel;
import io.onegate.common.domain.ChannelRepository;
import io.onegate.common.options.Options;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/** Reads snapshot entities from PostgreSQL (start-up, change notices, the backstop reload; never per request). */
public final class SnapshotLoader {
  private static final String TOKEN_COLUMNS = "id, user_id, key, key_digest, status, name, expired_time, "
      + "remain_quota, unlimited_quota, models, subnet, quota_generation";
  private static final String USER_COLUMNS = "id, username, role, status, quota, \"group\", quota_generation, "
      + "access_token, access_token_digest";

  private final Pool pg;
  private final ChannelRepository channels;
  private final TokenVault vault;

  public SnapshotLoader(Pool pg, ChannelRepository channels, TokenVault vault) {
    this.pg = pg;
    this.channels = channels;
    this.vault = vault;
  }

  public Future<Snapshot> loadAll() {
    Future<List<TokenRecord>> tokens = pg.query("SELECT " + TOKEN_COLUMNS + " FROM tokens").execute()
        .map(rows -> map(rows, this::token));
    Future<List<UserRecord>> users = pg.query("SELECT " + USER_COLUMNS + " FROM users").execute()
        .map(rows -> map(rows, this::user));
    Future<List<Channel>> all = channels.loadAll();
    Future<Options> options = Options.load(pg);
    return Future.all(tokens, users, all, options)
        .map(v -> Snapshot.of(tokens.result(), users.result(), all.result(), options.result(), vault));
  }

  public Future<Optional<TokenRecord>> token(int id) {
    return pg.preparedQuery("SELECT " + TOKEN_COLUMNS + " FROM tokens WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> map(rows, this::token).stream().findFirst());
  }

  public Future<Optional<UserRecord>> user(int id) {
    return pg.preparedQuery("SELECT " + USER_COLUMNS + " FROM users WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> map(rows, this::user).stream().findFirst());
  }

  public Future<Optional<Channel>> channel(int id) {
    return channels.load(id);
  }

  public Future<Options> options() {
    return Options.load(pg);
  }

  private static <T> List<T> map(Iterable<Row> rows, java.util.function.Function<Row, T> f) {
    List<T> out = new ArrayList<>();
    rows.forEach(r -> out.add(f.apply(r)));
    return out;
  }

  /**
   * A token row as the relay holds it. A row not yet converted by {@code SecretsAtRest} (written by a node of the
   * previous version, or taken over from One API) has no digest: it is computed from the plaintext key here.
   */
  private TokenRecord token(Row r) {
    String subnet = r.getString("subnet") == null ? "" : r.getString("subnet").trim();
    String digest = r.getString("key_digest");
    if (digest == null) {
      digest = vault.digest(r.getString("key").trim());
    }
    return new TokenRecord(r.getInteger("id"), r.getInteger("user_id"), digest,
        r.getInteger("status"), r.getString("name"), r.getLong("expired_time"), r.getLong("remain_quota"),
        r.getBoolean("unlimited_quota"), new HashSet<>(ChannelRepository.splitList(r.getString("models"))),
        IpRange.parseList(subnet), subnet, r.getLong("quota_generation"));
  }

  /**
   * The user row; an administrator's access token is kept only as its digest (the relay accepts it as a key). A row
   * not yet converted by {@code SecretsAtRest} has the plaintext token: its digest is computed here.
   */
  private UserRecord user(Row r) {
    int role = r.getInteger("role");
    String digest = null;
    if (role >= UserRecord.ROLE_ADMIN) {
      digest = r.getString("access_token_digest");
      String plain = r.getString("access_token");
      if (digest == null && plain != null && !plain.isBlank()) {
        digest = vault.digest(plain.trim());
      }
    }
    return new UserRecord(r.getInteger("id"), r.getString("username"), role, r.getInteger("status"),
        r.getLong("quota"), r.getString("group"), r.getLong("quota_generation"), digest);
  }
}
