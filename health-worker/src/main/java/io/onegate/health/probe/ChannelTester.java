package io.onegate.health.probe;

import io.onegate.common.domain.ChannelStatus;
import io.onegate.common.error.FailureClass;
import io.onegate.common.options.Options;
import io.onegate.health.channel.ChannelRepository;
import io.onegate.health.channel.StoredChannel;
import io.onegate.health.policy.Decision;
import io.onegate.health.policy.HealthPolicy;
import io.onegate.health.policy.Switches;
import io.onegate.health.state.ChannelStatusWriter;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tests one channel: chooses the model, probes, records response_time (ms, 0 on failure) and test_time, writes a
 * test log (type 5). A scheduled test then lets the policy decide (slow or dead-key failure disables an enabled
 * channel; success re-enables an auto-disabled one) and applies the decision; a manual test only records, as in
 * One API. This is the code behind both the scheduled round and the admin's "test channel".
 */
public final class ChannelTester {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelTester.class);
  public static final int LOG_TYPE_TEST = 5;

  private final Pool pg;
  private final ChannelRepository channels;
  private final ChannelProber prober;
  private final ChannelStatusWriter writer;
  private final HealthPolicy policy;
  private final Supplier<Options> options;
  private final Clock clock;
  private final String preferredModel;
  private final Consumer<TestReport> observer;

  public ChannelTester(Pool pg, ChannelRepository channels, ChannelProber prober, ChannelStatusWriter writer,
                       HealthPolicy policy, Supplier<Options> options, Clock clock, String preferredModel,
                       Consumer<TestReport> observer) {
    this.pg = pg;
    this.channels = channels;
    this.prober = prober;
    this.writer = writer;
    this.policy = policy;
    this.options = options;
    this.clock = clock;
    this.preferredModel = preferredModel;
    this.observer = observer;
  }

  /** The channel to test does not exist. */
  public static final class NoSuchChannelException extends RuntimeException {
    public NoSuchChannelException(int channelId) {
      super("channel " + channelId + " does not exist", null, false, false);
    }
  }

  /** A scheduled test: records the result and applies the policy's decision. */
  public Future<TestReport> testScheduled(StoredChannel stored) {
    return run(stored, preferredModel).compose(report -> {
      Decision decision = policy.onTest(stored.channel().status(), stored.statusChangedTime() * 1000,
          report.result(), Switches.from(options.get()));
      if (decision.isNone()) {
        return Future.succeededFuture(report);
      }
      return writer.apply(stored.channel().id(), decision)
          .map(r -> new TestReport(report.channelId(), report.model(), report.result(), r.change()));
    });
  }

  /** The admin's "test channel": never changes the status. Fails when the channel does not exist. */
  public Future<TestReport> testManually(int channelId, Optional<String> model) {
    return channels.find(channelId).compose(found -> found
        .map(stored -> run(stored, model.filter(m -> !m.isBlank()).orElse(preferredModel)))
        .orElseGet(() -> Future.failedFuture(new NoSuchChannelException(channelId))));
  }

  /**
   * A breaker probe: tests an enabled channel like {@link #testManually} (recorded, never a status change by itself).
   * Fails when the channel no longer exists or is not enabled (its breaker has nothing left to guard).
   */
  public Future<ProbeResult> probeForBreaker(int channelId) {
    return channels.find(channelId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new NoSuchChannelException(channelId));
      }
      return found.get().channel().status() == ChannelStatus.ENABLED
          ? run(found.get(), preferredModel).map(TestReport::result)
          : Future.failedFuture("channel " + channelId + " is not enabled");
    });
  }

  private Future<TestReport> run(StoredChannel stored, String wanted) {
    int id = stored.channel().id();
    Optional<String> model = TestModelChooser.choose(stored.channel(), wanted);
    Future<ProbeResult> probe = model.isEmpty()
        ? Future.succeededFuture(ProbeResult.failed(0, FailureClass.MODEL_UNAVAILABLE, 0, "",
            "the channel has no chat model to test"))
        : prober.probe(stored.channel(), model.get())
            .recover(err -> Future.succeededFuture(ProbeResult.failed(0, FailureClass.UNKNOWN, 0, "",
                "probe failed: " + err.getClass().getSimpleName())));
    String modelName = model.orElse("");
    return probe.map(this::slowIsFailure).compose(result -> record(id, modelName, result)
        .map(new TestReport(id, modelName, result, Optional.empty())))
        .onSuccess(observer::accept);
  }

  /** A test slower than ChannelDisableThreshold seconds (0 = no limit) counts as a timeout. */
  private ProbeResult slowIsFailure(ProbeResult result) {
    double limitSeconds = Switches.from(options.get()).slowTestSeconds();
    if (!result.success() || limitSeconds <= 0 || result.latencyMillis() <= limitSeconds * 1000) {
      return result;
    }
    return ProbeResult.failed(result.latencyMillis(), FailureClass.TIMEOUT, result.httpStatus(), "",
        "answered in " + result.latencyMillis() + " ms, slower than ChannelDisableThreshold " + limitSeconds + " s");
  }

  private Future<Void> record(int channelId, String model, ProbeResult result) {
    long now = clock.instant().getEpochSecond();
    String content = "Channel #" + channelId + " test " + (result.success() ? "passed" : "failed") + " with "
        + (model.isEmpty() ? "no model" : model) + " in " + result.latencyMillis() + " ms"
        + (result.success() ? "" : ": " + result.failureClass()
            + (result.httpStatus() > 0 ? " (HTTP " + result.httpStatus() + ")" : "") + " " + result.message());
    LOG.info("channel {} test {} in {} ms ({})", channelId, result.success() ? "passed" : "failed",
        result.latencyMillis(), result.failureClass());
    return channels.recordTest(channelId, result.success() ? result.latencyMillis() : 0, now)
        .compose(v -> pg.preparedQuery("INSERT INTO logs (user_id, created_at, type, content, model_name, "
                + "channel_id, elapsed_time) VALUES (0, $1, $2, $3, $4, $5, $6)")
            .execute(Tuple.of(now, LOG_TYPE_TEST, content, model, channelId, result.latencyMillis())))
        .mapEmpty();
  }
}
