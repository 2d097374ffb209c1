package io.onegate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.balance.LiveBalances;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.event.UsageEvent;
import io.onegate.common.kafka.KafkaSupport;
import io.onegate.common.kafka.Topics;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.testkit.TestInfra;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Two billing workers in group onegate-billing on the real broker and database: the second joins mid-run and the
 * first leaves later (two rebalances, revocation flushes included); the ledger equals the events' sums exactly,
 * one log per request id, and the live balances hold PostgreSQL's values.
 */
class BillingRebalanceTest {
  private static ProcessRuntime first;
  private static ProcessRuntime second;

  @AfterAll
  static void stop() {
    if (second != null) {
      second.closeBlocking(Duration.ofSeconds(15));
    }
    if (first != null) {
      first.closeBlocking(Duration.ofSeconds(15));
    }
  }

  @Test
  void twoWorkersWithRebalancesGiveExactTotals() throws Exception {
    Config config = TestInfra.get().freshConfig(Map.of(Settings.BATCH_UPDATE_INTERVAL.name(), "1"));
    first = ProcessRuntime.start(config).toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    second = ProcessRuntime.start(config.with(Settings.PORT, io.onegate.embedded.FreePorts.find()))
        .toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    UsageFixture fixture = new UsageFixture(config.get(Settings.SQL_DSN), 60, 8);
    String topic = Topics.of(config).usage();
    SplittableRandom random = new SplittableRandom(7);
    ProcessMain.Application a = BillingWorkerApplication.start(first).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    ProcessMain.Application b = null;
    LiveBalances balances = new LiveBalances(first.hazelcast());
    int sent = 0;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaSupport.producerProps(config, "rb"))) {
      for (int i = 0; i < 30_000; i++) {
        UsageEvent e = fixture.next(random, "rb", i, System.currentTimeMillis());
        // half of the events were reserved in this cluster's epoch: their pending part must be released
        if (i % 2 == 0) {
          e = withEpoch(e, balances.epoch());
        }
        producer.send(new ProducerRecord<>(topic, e.kafkaKey(), e.encode()));
        sent++;
        if (i % 500 == 0) {
          producer.send(new ProducerRecord<>(topic, e.kafkaKey(), e.encode())); // re-sent duplicate
          sent++;
        }
        if (i == 10_000) {
          producer.flush();
          b = BillingWorkerApplication.start(second).toCompletionStage().toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
        }
        if (i == 20_000) {
          producer.flush();
          ProcessRuntime.awaitQuietly(a.stop(), Duration.ofSeconds(40));
        }
        if (i % 1000 == 0) {
          Thread.sleep(20);
        }
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (fixture.storedOffsetSum() < sent && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(fixture.storedOffsetSum()).isEqualTo(sent);
    String summary = fixture.assertLedgerExact();
    // live balances: every touched user's entry holds PostgreSQL's quota (settled) and nothing pending
    try (var c = fixture.connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT id, quota FROM users WHERE username LIKE 'fx%' AND used_quota > 0")) {
      while (rs.next()) {
        long[] live = balances.rawUser(first.vertx().getOrCreateContext(), rs.getInt(1)).toCompletionStage()
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(live).as("live balance of user %d", rs.getInt(1)).isNotNull();
        assertThat(live[0]).as("settled of user %d", rs.getInt(1)).isEqualTo(rs.getLong(2));
        assertThat(live[1]).as("pending of user %d", rs.getInt(1)).isZero();
      }
    }
    io.onegate.testkit.Figures.report("REBALANCE TEST: %d records through two workers (second joined at 10k, first left at "
        + "20k); %s%n", sent, summary);
    if (b != null) {
      ProcessRuntime.awaitQuietly(b.stop(), Duration.ofSeconds(40));
    }
  }

  static UsageEvent withEpoch(UsageEvent e, String epoch) {
    return new UsageEvent(e.schemaVersion(), e.requestId(), e.occurredAtMillis(), e.type(), e.userId(), e.username(),
        e.tokenId(), e.tokenName(), e.tokenUnlimited(), e.channelId(), e.channelType(), e.group(),
        e.requestedModel(), e.upstreamModel(), e.promptTokens(), e.completionTokens(), e.quota(), e.preConsumed(),
        e.stream(), e.latencyMillis(), e.status(), e.httpStatus(), e.content(), e.systemPromptReset(), epoch,
        e.userQuotaGeneration(), e.tokenQuotaGeneration());
  }
}
