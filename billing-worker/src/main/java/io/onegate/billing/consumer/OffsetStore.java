package io.onegate.billing.consumer;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;

/** Reads the offsets the billing worker stored in PostgreSQL ({@code consumer_offsets}) with its data. */
public final class OffsetStore {
  private final Pool pg;
  private final String group;
  private final String topic;

  public OffsetStore(Pool pg, String group, String topic) {
    this.pg = pg;
    this.group = group;
    this.topic = topic;
  }

  /** partition → next offset to consume, for the partitions that have one. */
  public Future<Map<Integer, Long>> load() {
    return pg.preparedQuery("SELECT partition, next_offset FROM consumer_offsets WHERE consumer_group = $1 "
        + "AND topic = $2").execute(Tuple.of(group, topic)).map(rows -> {
          Map<Integer, Long> out = new HashMap<>();
          for (Row row : rows) {
            out.put(row.getInteger(0), row.getLong(1));
          }
          return out;
        });
  }
}
