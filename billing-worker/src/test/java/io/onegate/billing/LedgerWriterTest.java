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
 * count once; usage admitted under an older quota generation is logged and used but not taken off the balance.
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

  @Test
  void usageAdmittedBeforeAnAdminsSetIsLoggedAndUsedButNotTakenOffTheNewBalance() throws Exception {
    int admin = one("INSERT INTO users (username, password, quota) VALUES ('set-by-admin', 'x', 100000) RETURNING id")
        .getInteger(0);
    int limited = one("INSERT INTO tokens (user_id, key, name, remain_quota) VALUES ($1, "
        + "'setkey0123456789abcdefghijklmnopq', 't', 50000) RETURNING id", admin).getInteger(0);
    // the admin sets the user's quota to 1,000 and the token's remaining quota to 500 (generation 0 -> 1)
    one("UPDATE users SET quota = 1000, quota_version = quota_version + 1, quota_generation = 1 WHERE id = $1 "
        + "RETURNING id", admin);
    one("UPDATE tokens SET remain_quota = 500, quota_version = quota_version + 1, quota_generation = 1 WHERE id = $1 "
        + "RETURNING id", limited);
    PendingBatch batch = new PendingBatch();
    batch.add(0, 100, generationEvent("g-old-1", admin, limited, 300, 0)); // admitted before the set
    batch.add(0, 101, generationEvent("g-new-1", admin, limited, 40, 1)); // after it
    batch.add(0, 102, generationEvent("g-old-2", admin, limited, 700, 0));
    batch.add(0, 103, generationEvent("g-new-2", admin, limited, 2, 1));
    batch.add(0, 104, generationEvent("g-legacy", admin, limited, 5, UsageEvent.UNKNOWN_GENERATION)); // old gateway
    FlushResult result = get(writer.flush(batch, true));

    Row u = one("SELECT quota, used_quota, request_count, quota_generation FROM users WHERE id = $1", admin);
    assertThat(List.of(u.getLong(0), u.getLong(1), u.getInteger(2).longValue(), u.getLong(3)))
        .as("new value minus what was admitted after the set (and the legacy event), all of it used")
        .containsExactly(1_000L - 40 - 2 - 5, 1_047L, 5L, 1L);
    Row t = one("SELECT remain_quota, used_quota FROM tokens WHERE id = $1", limited);
    assertThat(List.of(t.getLong(0), t.getLong(1))).containsExactly(500L - 40 - 2 - 5, 1_047L);
    assertThat(one("SELECT count(*) FROM logs WHERE type = 2 AND user_id = $1", admin).getLong(0))
        .as("every request is logged").isEqualTo(5);
    assertThat(result.users().get(admin)).as("{before, after, version, generation}")
        .containsExactly(1_000, 953, 2, 1);
    assertThat(result.tokens().get(limited)).containsExactly(453, 2, 1);

    // a later batch only of old-generation usage changes no balance
    PendingBatch late = new PendingBatch();
    late.add(0, 105, generationEvent("g-old-3", admin, limited, 99, 0));
    get(writer.flush(late, true));
    assertThat(one("SELECT quota, used_quota FROM users WHERE id = $1", admin).getLong(0)).isEqualTo(953);
    assertThat(one("SELECT remain_quota FROM tokens WHERE id = $1", limited).getLong(0)).isEqualTo(453);
  }

  private static UsageEvent generationEvent(String id, int userId, int tokenId, long quota, long generation) {
    return new UsageEvent(1, id, 1_764_000_000_000L, 2, userId, "set-by-admin", tokenId, "t", false, channel, 1,
        "default", "gpt-4o-mini", "gpt-4o-mini", 10, 5, quota, 0, false, 100, "success", 200, "", false, "",
        generation, generation);
  }

  private static UsageEvent event(String id, long quota) {
    return new UsageEvent(1, id, 1_764_000_000_000L, 2, user, "ledger", token, "t", false, channel, 1, "default",
        "gpt-4o-mini", "gpt-4o-mini", 10, 5, quota, 0, false, 100, "success", 200, "", false, "", 0, 0);
  }

  private static Row one(String sql, Object... args) throws Exception {
    return get(runtime.pg().preparedQuery(sql).execute(Tuple.from(args))).iterator().next();
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
