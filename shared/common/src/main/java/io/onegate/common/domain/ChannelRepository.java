package io.onegate.common.domain;

import io.onegate.common.crypto.KeyCipher;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads channels from PostgreSQL into {@link Channel} records with decrypted keys. For snapshot loads and tests
 * only (start-up, change notices, the sync backstop) — never on a relayed request's path.
 */
public final class ChannelRepository {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelRepository.class);
  private static final String COLUMNS = "id, type, key, status, name, weight, base_url, models, \"group\", "
      + "model_mapping, priority, config, system_prompt, other";

  private final Pool pg;
  private final KeyCipher cipher;

  public ChannelRepository(Pool pg, KeyCipher cipher) {
    this.pg = pg;
    this.cipher = cipher;
  }

  /** Every channel whose key can be decrypted (others are logged and left out). */
  public Future<List<Channel>> loadAll() {
    return pg.query("SELECT " + COLUMNS + " FROM channels ORDER BY id").execute().map(rows -> {
      List<Channel> out = new ArrayList<>();
      for (Row row : rows) {
        toChannel(row).ifPresent(out::add);
      }
      return out;
    });
  }

  /** One channel, or empty when it does not exist (deleted) or its key cannot be decrypted. */
  public Future<Optional<Channel>> load(int id) {
    return pg.preparedQuery("SELECT " + COLUMNS + " FROM channels WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.<Channel>empty() : toChannel(rows.iterator().next()));
  }

  private Optional<Channel> toChannel(Row row) {
    int id = row.getInteger("id");
    String key;
    try {
      key = cipher.decrypt(row.getString("key"));
    } catch (IllegalStateException e) {
      LOG.error("channel {} is unusable: {}", id, e.getMessage());
      return Optional.empty();
    }
    return Optional.of(new Channel(id, row.getInteger("type"), key, row.getInteger("status"), row.getString("name"),
        row.getInteger("weight"), row.getString("base_url"), splitList(row.getString("models")),
        splitList(row.getString("group")), stringMap(row.getString("model_mapping")), row.getLong("priority"),
        stringMap(row.getString("config")), row.getString("system_prompt"), row.getString("other")));
  }

  /** One API's comma-separated lists, trimmed, blanks dropped. */
  public static List<String> splitList(String raw) {
    if (raw == null || raw.isBlank()) {
      return List.of();
    }
    return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
  }

  /** A JSON object of strings ("" or "{}" or malformed = empty); non-string values are rendered as text. */
  public static Map<String, String> stringMap(String raw) {
    if (raw == null || raw.isBlank()) {
      return Map.of();
    }
    try {
      JsonObject json = new JsonObject(raw);
      Map<String, String> out = new HashMap<>();
      json.forEach(e -> {
        if (e.getValue() != null) {
          out.put(e.getKey(), String.valueOf(e.getValue()));
        }
      });
      return out;
    } catch (RuntimeException e) {
      return Map.of();
    }
  }
}
