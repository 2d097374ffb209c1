package io.onegate.health.channel;

import io.onegate.common.crypto.KeyCipher;
import io.onegate.common.domain.Channel;
import io.onegate.common.domain.ChannelStatus;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads channels for testing and writes test results. Keys are decrypted with {@link KeyCipher}; models and
 * groups are One API's comma-separated lists (blank entries dropped); model_mapping and config are JSON objects
 * ({@code ""} or malformed JSON means none).
 */
public final class ChannelRepository {
  private static final String COLUMNS = "id, type, key, status, name, weight, base_url, models, \"group\", "
      + "model_mapping, priority, config, system_prompt, other, status_changed_time";

  private static final Logger LOG = LoggerFactory.getLogger(ChannelRepository.class);

  private final Pool pg;
  private final KeyCipher cipher;

  public ChannelRepository(Pool pg, KeyCipher cipher) {
    this.pg = pg;
    this.cipher = cipher;
  }

  public Future<Optional<StoredChannel>> find(int id) {
    return pg.preparedQuery("SELECT " + COLUMNS + " FROM channels WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.iterator().hasNext() ? Optional.of(toStored(rows.iterator().next())) : Optional.empty());
  }

  /** Channels the scheduled test covers: enabled and automatically disabled ones (never manually disabled). */
  public Future<List<StoredChannel>> testable() {
    return pg.preparedQuery("SELECT " + COLUMNS + " FROM channels WHERE status IN ($1, $2) ORDER BY id")
        .execute(Tuple.of(ChannelStatus.ENABLED, ChannelStatus.AUTO_DISABLED))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(this::readable)
            .flatMap(Optional::stream).toList());
  }

  /** A channel whose key cannot be decrypted (CRYPTO_SECRET changed) is skipped with a warning, not fatal. */
  private Optional<StoredChannel> readable(Row row) {
    try {
      return Optional.of(toStored(row));
    } catch (IllegalStateException e) {
      LOG.warn("channel {} skipped: {}", row.getInteger("id"), e.getMessage());
      return Optional.empty();
    }
  }

  /** One API's test bookkeeping: response_time in ms (0 when the test failed) and test_time in Unix seconds. */
  public Future<Void> recordTest(int channelId, long responseTimeMillis, long testTimeSeconds) {
    return pg.preparedQuery("UPDATE channels SET response_time = $2, test_time = $3 WHERE id = $1")
        .execute(Tuple.of(channelId, (int) Math.min(Integer.MAX_VALUE, responseTimeMillis), testTimeSeconds))
        .mapEmpty();
  }

  private StoredChannel toStored(Row row) {
    Channel channel = new Channel(row.getInteger("id"), row.getInteger("type"), cipher.decrypt(row.getString("key")),
        row.getInteger("status"), row.getString("name"), row.getInteger("weight"), row.getString("base_url"),
        list(row.getString("models")), list(row.getString("group")), jsonMap(row.getString("model_mapping")),
        row.getLong("priority"), jsonMap(row.getString("config")), row.getString("system_prompt"),
        row.getString("other"));
    return new StoredChannel(channel, row.getLong("status_changed_time"));
  }

  static List<String> list(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return List.of();
    }
    return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  static Map<String, String> jsonMap(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    try {
      Map<String, String> out = new LinkedHashMap<>();
      new JsonObject(json).forEach(e -> {
        if (e.getValue() != null) {
          out.put(e.getKey(), String.valueOf(e.getValue()));
        }
      });
      return out;
    } catch (DecodeException | ClassCastException e) {
      return Map.of();
    }
  }
}
