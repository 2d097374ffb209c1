package io.onegate.billing.ledger;

import io.onegate.common.balance.LedgerUpdates;
import io.onegate.common.event.UsageEvent;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one {@link PendingBatch} as ONE PostgreSQL transaction: claims the request ids in {@code usage_applied}
 * (unique on request id and second), applies only the newly claimed events as relative updates of users, tokens and
 * channels ({@link LedgerUpdates}: a balance is charged only for usage admitted under its current quota
 * generation), bulk-inserts their log rows (consume and error rows), and stores the consumed offsets. Either all of it commits or none.
 * Each statement handles the whole batch (arrays through {@code unnest}), so a flush costs a handful of round
 * trips whatever its size.
 */
public final class LedgerWriter {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerWriter.class);
  static final int MAX_ID = 64;

  /**
   * The fast claim: a plain insert of the batch's ids (a unique violation means some were applied before — then the
   * whole flush is redone with {@link #CLAIM}). About half the cost of ON CONFLICT's speculative insertion.
   */
  private static final String CLAIM_ALL = "INSERT INTO usage_applied (request_id, occurred_at) "
      + "SELECT * FROM unnest($1::varchar[], $2::bigint[])";
  /** The careful claim: inserts the ids not applied yet; the row count says how many were new. */
  private static final String CLAIM = "INSERT INTO usage_applied (request_id, occurred_at) "
      + "SELECT * FROM unnest($1::varchar[], $2::bigint[]) ON CONFLICT DO NOTHING";
  /**
   * After {@link #CLAIM} when some were not new: the batch positions (1-based) whose row this transaction inserted.
   * The ids are distinct within a batch ({@link PendingBatch}), so each position matches at most one row.
   */
  private static final String CLAIMED = "SELECT x.i FROM unnest($1::varchar[], $2::bigint[]) WITH ORDINALITY "
      + "AS x(r, o, i) JOIN usage_applied u ON u.request_id = x.r AND u.occurred_at = x.o "
      + "WHERE u.xmin = pg_current_xact_id()::xid";
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String LOCK_CHANNELS = "SELECT id FROM channels WHERE id = ANY($1::int[]) ORDER BY id "
      + "FOR NO KEY UPDATE";
  private static final String CHANNELS = "UPDATE channels c SET used_quota = c.used_quota + d.q "
      + "FROM unnest($1::int[], $2::bigint[]) AS d(id, q) WHERE c.id = d.id";
  private static final String LOGS = "INSERT INTO logs (user_id, created_at, type, content, username, token_name, "
      + "model_name, quota, prompt_tokens, completion_tokens, channel_id, request_id, elapsed_time, is_stream, "
      + "system_prompt_reset, token_id, http_status, failure_class) SELECT * FROM unnest($1::int[], $2::bigint[], "
      + "$3::int[], $4::text[], $5::varchar[], $6::varchar[], $7::varchar[], $8::bigint[], $9::int[], $10::int[], "
      + "$11::int[], $12::varchar[], $13::bigint[], $14::bool[], $15::bool[], $16::int[], $17::int[], $18::varchar[])";
  private static final String OFFSETS = "INSERT INTO consumer_offsets (consumer_group, topic, partition, "
      + "next_offset) SELECT $1, $2, p, o FROM unnest($3::int[], $4::bigint[]) AS x(p, o) "
      + "ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset";

  private final Pool pg;
  private final String group;
  private final String topic;

  public LedgerWriter(Pool pg, String group, String topic) {
    this.pg = pg;
    this.group = group;
    this.topic = topic;
  }

  /**
   * Commits {@code batch}; {@code logConsume} is the LogConsumeEnabled option (the ledger applies either way).
   * Copies what it needs from the batch before returning: the caller may reuse it once the result completes.
   * First tries the fast claim; when any event was applied before (a replay after a crash or a failed flush, a
   * re-sent record, a zombie's late flush), that transaction fails on the unique key and the flush is redone with
   * the careful claim.
   */
  public Future<FlushResult> flush(PendingBatch batch, boolean logConsume) {
    List<UsageEvent> all = List.copyOf(batch.events());
    Map<Integer, Long> offsets = new java.util.TreeMap<>(batch.nextOffsets());
    int records = batch.records();
    return write(all, offsets, records, logConsume, true).recover(err -> {
      if (!alreadyApplied(err)) {
        return Future.failedFuture(err);
      }
      LOG.info("some of {} events were applied before: flushing them again with the careful claim", all.size());
      return write(all, offsets, records, logConsume, false);
    });
  }

  private Future<FlushResult> write(List<UsageEvent> all, Map<Integer, Long> offsets, int records,
                                    boolean logConsume, boolean fast) {
    return pg.withTransaction(conn -> (fast ? claimAll(conn, all) : claim(conn, all)).compose(fresh -> {
      LedgerDelta delta = UsageAggregator.fold(fresh, logConsume);
      Map<Integer, long[]> users = new HashMap<>();
      Map<Integer, long[]> tokens = new HashMap<>();
      return updateUsers(conn, delta, users)
          .compose(v -> updateTokens(conn, delta, tokens))
          .compose(v -> updateChannels(conn, delta))
          .compose(v -> insertLogs(conn, delta.logs()))
          .compose(v -> storeOffsets(conn, offsets))
          .map(v -> new FlushResult(fresh, records, all.size() - fresh.size(), users, tokens));
    }));
  }

  /** True for the fast claim's unique violation on usage_applied. */
  static boolean alreadyApplied(Throwable err) {
    return err instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
        && pg.getTable() != null && pg.getTable().startsWith("usage_applied");
  }

  private Future<List<UsageEvent>> claimAll(SqlConnection conn, List<UsageEvent> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return conn.preparedQuery(CLAIM_ALL).execute(claimArgs(events)).map(inserted -> events);
  }

  private Future<List<UsageEvent>> claim(SqlConnection conn, List<UsageEvent> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Tuple args = claimArgs(events);
    return conn.preparedQuery(CLAIM).execute(args).compose(inserted -> {
      if (inserted.rowCount() == events.size()) {
        return Future.succeededFuture(events);
      }
      return conn.preparedQuery(CLAIMED).execute(args).map(rows -> {
        List<UsageEvent> fresh = new ArrayList<>(rows.size());
        boolean[] ours = new boolean[events.size()];
        for (Row row : rows) {
          ours[(int) (row.getLong(0) - 1)] = true;
        }
        for (int i = 0; i < ours.length; i++) {
          if (ours[i]) {
            fresh.add(events.get(i));
          }
        }
        return fresh;
      });
    });
  }

  private static Tuple claimArgs(List<UsageEvent> events) {
    String[] ids = new String[events.size()];
    Long[] times = new Long[events.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = requestId(events.get(i));
      times[i] = occurredAt(events.get(i));
    }
    return args(ids, times);
  }

  private Future<Void> updateUsers(SqlConnection conn, LedgerDelta delta, Map<Integer, long[]> out) {
    int n = delta.users().size();
    if (n == 0) {
      return Future.succeededFuture();
    }
    Integer[] ids = new Integer[n];
    Long[] quota = new Long[n];
    Integer[] requests = new Integer[n];
    Long[][] charge = charges(n);
    int i = 0;
    for (var e : delta.users().entrySet()) {
      ids[i] = e.getKey();
      quota[i] = e.getValue().quota();
      requests[i] = e.getValue().requests();
      put(charge, i++, e.getValue().charge());
    }
    return conn.preparedQuery(LedgerUpdates.USERS).execute(args(ids, quota, requests, charge[0], charge[1],
        charge[2])).map(rows -> {
          for (Row row : rows) {
            long after = row.getLong(1);
            out.put(row.getInteger(0), new long[] {after + row.getLong(4), after, row.getLong(2), row.getLong(3)});
          }
          return null;
        });
  }

  private Future<Void> updateTokens(SqlConnection conn, LedgerDelta delta, Map<Integer, long[]> out) {
    int n = delta.tokens().size();
    if (n == 0) {
      return Future.succeededFuture();
    }
    Integer[] ids = new Integer[n];
    Long[] quota = new Long[n];
    Long[][] charge = charges(n);
    int i = 0;
    for (var e : delta.tokens().entrySet()) {
      ids[i] = e.getKey();
      quota[i] = e.getValue().quota();
      put(charge, i++, e.getValue().charge());
    }
    return conn.preparedQuery(LedgerUpdates.TOKENS).execute(args(ids, quota, charge[0], charge[1], charge[2]))
        .map(rows -> {
          for (Row row : rows) {
            if (!row.getBoolean(3)) {
              out.put(row.getInteger(0), new long[] {row.getLong(1), row.getLong(2), row.getLong(4)});
            }
          }
          return null;
        });
  }

  /** Three parameter arrays of a batch's charges: legacy, newest generation, quota at the newest. */
  private static Long[][] charges(int n) {
    return new Long[][] {new Long[n], new Long[n], new Long[n]};
  }

  private static void put(Long[][] charges, int i, LedgerDelta.Charge charge) {
    charges[0][i] = charge.legacy();
    charges[1][i] = charge.newest();
    charges[2][i] = charge.atNewest();
  }

  private Future<Void> updateChannels(SqlConnection conn, LedgerDelta delta) {
    if (delta.channels().isEmpty()) {
      return Future.succeededFuture();
    }
    Integer[] ids = ids(delta.channels());
    return conn.preparedQuery(LOCK_CHANNELS).execute(args((Object) ids))
        .compose(locked -> conn.preparedQuery(CHANNELS).execute(args(ids, amounts(delta.channels()))))
        .mapEmpty();
  }

  /**
   * Inserts the log rows grouped by user (arrival order kept within a user): consecutive rows then land on the
   * same leaf pages of the per-user indexes (user_id, username), about 15% cheaper than arrival order.
   */
  private Future<Void> insertLogs(SqlConnection conn, List<LogRow> unsorted) {
    int n = unsorted.size();
    if (n == 0) {
      return Future.succeededFuture();
    }
    List<LogRow> logs = new ArrayList<>(unsorted);
    logs.sort(java.util.Comparator.comparingInt(LogRow::userId));
    Integer[] user = new Integer[n];
    Long[] created = new Long[n];
    Integer[] type = new Integer[n];
    String[] content = new String[n];
    String[] username = new String[n];
    String[] tokenName = new String[n];
    String[] model = new String[n];
    Long[] quota = new Long[n];
    Integer[] prompt = new Integer[n];
    Integer[] completion = new Integer[n];
    Integer[] channel = new Integer[n];
    String[] requestId = new String[n];
    Long[] elapsed = new Long[n];
    Boolean[] stream = new Boolean[n];
    Boolean[] reset = new Boolean[n];
    Integer[] token = new Integer[n];
    Integer[] status = new Integer[n];
    String[] failure = new String[n];
    for (int i = 0; i < n; i++) {
      LogRow r = logs.get(i);
      user[i] = r.userId();
      created[i] = r.createdAt();
      type[i] = r.type();
      content[i] = r.content();
      username[i] = cut(r.username(), 64);
      tokenName[i] = cut(r.tokenName(), 64);
      model[i] = cut(r.modelName(), 255);
      quota[i] = r.quota();
      prompt[i] = (int) Math.min(Integer.MAX_VALUE, r.promptTokens());
      completion[i] = (int) Math.min(Integer.MAX_VALUE, r.completionTokens());
      channel[i] = r.channelId();
      requestId[i] = r.requestId();
      elapsed[i] = r.elapsedMillis();
      stream[i] = r.stream();
      reset[i] = r.systemPromptReset();
      token[i] = r.tokenId();
      status[i] = r.httpStatus();
      failure[i] = cut(r.failureClass(), 32);
    }
    return conn.preparedQuery(LOGS).execute(args(user, created, type, content, username, tokenName, model, quota,
        prompt, completion, channel, requestId, elapsed, stream, reset, token, status, failure)).mapEmpty();
  }

  private Future<Void> storeOffsets(SqlConnection conn, Map<Integer, Long> offsets) {
    if (offsets.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(OFFSETS).execute(args(group, topic, ids(offsets), amounts(offsets))).mapEmpty();
  }

  /** One parameter per value (arrays stay one parameter each, unlike {@code Tuple.of}'s varargs). */
  private static Tuple args(Object... values) {
    Tuple t = Tuple.tuple();
    for (Object v : values) {
      t.addValue(v);
    }
    return t;
  }

  /** The request id as stored (at most 64 characters, the column's width). */
  static String requestId(UsageEvent e) {
    return cut(e.requestId(), MAX_ID);
  }

  /** The event's time in Unix seconds (logs.created_at, usage_applied.occurred_at). */
  static long occurredAt(UsageEvent e) {
    return Math.floorDiv(e.occurredAtMillis(), 1000L);
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static Integer[] ids(Map<Integer, Long> m) {
    return m.keySet().toArray(new Integer[0]);
  }

  private static Long[] amounts(Map<Integer, Long> m) {
    return m.values().toArray(new Long[0]);
  }
}
