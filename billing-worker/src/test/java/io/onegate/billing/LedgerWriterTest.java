package io.onegate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.billing.ledger.FlushResult;
import io.onegate.billing.ledger.LedgerWriter;
import io.onegate.billing.ledger.PendingBatch;
import io.onegate.common.config.Config;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.testkit.TestInfra;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The flush against the real PostgreSQL: a batch of new events takes the fast claim; a batch mixing events applied
 * before with new ones (a replay) applies only the new ones, whatever their order, and duplicates inside one batch
 * count once.
 */
class LedgerWriterTest {
  private static ProcessRuntime runtime;
  private static LedgerWriter writer;
  private static int user;
  private static int token;
  private static int channel;

  @BeforeAll
  static void start() throws Exception {
    Config config = TestInfra.get().freshConfig();
    runtime = ProcessRuntime.start(config).toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    writer = new LedgerWriter(runtime.pg(), "test-group", "test-topic");
    user = one("INSERT INTO users (username, password, quota) VALUES ('ledger', 'x', 100000) RETURNING id")
        .getInteger(0);
    token = one("INSERT INTO tokens (user_id, key, name, remain_quota) VALUES ($1, "
        + "'ledgerkey0123456789abcdefghijklmn', 't', 50000) RETURNING id", user).getInteger(0);
    channel = one("INSERT INTO channels (name, key) VALUES ('c', 'k') RETURNING id").getInteger(0);
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.closeBlocking(Duration.ofSeconds(15));
    }
  }

  @Test
  void replayedEventsApplyOnceAndNewOnesApply() throws Exception {
    PendingBatch first = new PendingBatch();
    for (int i = 0; i < 5; i++) {
      first.add(0, i, event("r" + i, 10 + i));
    }
    first.add(0, 5, event("r0", 10)); // the same record re-sent inside the batch
    FlushResult one = get(writer.flush(first, true));
    assertThat(one.applied()).hasSize(5);
    assertThat(one.duplicates()).isZero();

    PendingBatch replay = new PendingBatch(); // new events around ones applied before, as after a crash
    replay.add(0, 6, event("n1", 100));
    replay.add(0, 3, event("r3", 13));
    replay.add(1, 0, event("n2", 200));
    replay.add(0, 1, event("r1", 11));
    FlushResult two = get(writer.flush(replay, true));
    assertThat(two.applied()).extracting(UsageEvent::requestId).containsExactly("n1", "n2");
    assertThat(two.duplicates()).isEqualTo(2);

    long spent = 10 + 11 + 12 + 13 + 14 + 100 + 200;
    Row u = one("SELECT quota, used_quota, request_count FROM users WHERE id = $1", user);
    assertThat(List.of(u.getLong(0), u.getLong(1), u.getInteger(2).longValue()))
        .containsExactly(100_000 - spent, spent, 7L);
    assertThat(one("SELECT remain_quota FROM tokens WHERE id = $1", token).getLong(0)).isEqualTo(50_000 - spent);
    assertThat(one("SELECT used_quota FROM channels WHERE id = $1", channel).getLong(0)).isEqualTo(spent);
    assertThat(one("SELECT count(*), count(DISTINCT request_id) FROM logs WHERE type = 2 AND user_id = $1", user)
        .getLong(0)).isEqualTo(7);
    assertThat(one("SELECT next_offset FROM consumer_offsets WHERE topic = 'test-topic' AND partition = 0")
        .getLong(0)).isEqualTo(7);
  }

  private static UsageEvent event(String id, long quota) {
    return new UsageEvent(1, id, 1_764_000_000_000L, 2, user, "ledger", token, "t", false, channel, 1, "default",
        "gpt-4o-mini", "gpt-4o-mini", 10, 5, quota, 0, false, 100, "success", 200, "", false, "");
  }

  private static Row one(String sql, Object... args) throws Exception {
    return get(runtime.pg().preparedQuery(sql).execute(Tuple.from(args))).iterator().next();
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
