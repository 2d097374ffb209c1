package io.onegate.health.consume;

import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.domain.ChangeNotice;
import io.onegate.common.event.AttemptOutcome;
import io.onegate.common.kafka.Topics;
import io.onegate.common.options.Options;
import io.onegate.health.policy.HealthPolicy;
import io.onegate.health.policy.Switches;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes attempt outcomes (consumer group {@value #GROUP}; records keyed by channel id, so one member sees all of
 * a channel's outcomes and alone decides its holds) on its own thread, and hands each to the {@link HealthPolicy} on
 * one Vert.x context, where {@link ChannelActions} carries the decisions out. Offsets auto-commit: health decisions
 * are soft state, and outcomes older than the error-rate window are ignored by the policy on replay.
 */
public final class OutcomeConsumer {
  public static final String GROUP = "onegate-health";
  private static final Logger LOG = LoggerFactory.getLogger(OutcomeConsumer.class);

  private final Context context;
  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final HealthPolicy policy;
  private final ChannelActions actions;
  private final Supplier<Options> options;
  private final Thread thread;
  private MessageConsumer<JsonObject> notices;
  private volatile boolean running = true;
  private long timerId = -1;

  private OutcomeConsumer(Context context, Config config, HealthPolicy policy, ChannelActions actions,
                          Supplier<Options> options) {
    this.context = context;
    this.topic = Topics.of(config).attempts();
    this.policy = policy;
    this.actions = actions;
    this.options = options;
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(Settings.KAFKA_BOOTSTRAP_SERVERS));
    props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "onegate-health-" + Long.toHexString(System.nanoTime()));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(props);
    this.thread = new Thread(this::pollLoop, "onegate-health-outcomes");
    this.thread.setDaemon(true);
  }

  /** Subscribes and starts polling; the policy and the actions are confined to {@code context}. */
  public static Future<OutcomeConsumer> start(Context context, Config config, HealthPolicy policy,
                                              ChannelActions actions, Supplier<Options> options,
                                              Duration backstop) {
    Vertx vertx = context.owner();
    OutcomeConsumer c = new OutcomeConsumer(context, config, policy, actions, options);
    // backstop for a lost ChangeNotice: forget every known status now and then (they are re-read on demand)
    c.timerId = vertx.setPeriodic(backstop.toMillis(), id -> c.context.runOnContext(v -> policy.forgetAll()));
    c.notices = vertx.eventBus().<JsonObject>consumer(ClusterNames.CHANGES_ADDRESS, msg -> {
      ChangeNotice notice = ChangeNotice.fromJson(msg.body());
      if (notice.kind() == ChangeNotice.Kind.CHANNEL && notice.id() > 0) {
        c.context.runOnContext(v -> policy.forget((int) notice.id()));
      }
    });
    return c.notices.completion().map(v -> {
      c.thread.start();
      return c;
    });
  }

  private void pollLoop() {
    try {
      consumer.subscribe(List.of(topic));
      while (running) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          AttemptOutcome outcome;
          try {
            outcome = AttemptOutcome.decode(record.value());
          } catch (RuntimeException e) {
            LOG.warn("skipping a malformed attempt outcome at {}-{}@{}", record.topic(), record.partition(),
                record.offset());
            continue;
          }
          context.runOnContext(v -> handle(outcome));
        }
      }
    } catch (WakeupException e) {
      // stop() woke us
    } catch (RuntimeException e) {
      LOG.error("attempt outcome consumer stopped: {}", e.toString());
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void handle(AttemptOutcome outcome) {
    actions.apply(outcome.channelId(), policy.onAttempt(outcome, Switches.from(options.get())));
  }

  public Future<Void> stop() {
    running = false;
    context.runOnContext(v -> actions.stop());
    if (timerId >= 0) {
      context.owner().cancelTimer(timerId);
    }
    consumer.wakeup();
    Future<Void> unregistered = notices == null ? Future.succeededFuture() : notices.unregister();
    return unregistered.compose(v -> context.owner().executeBlocking(() -> {
      thread.join(5000);
      return null;
    }, false)).mapEmpty();
  }
}
