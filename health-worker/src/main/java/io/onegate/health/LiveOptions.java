package io.onegate.health;

import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.domain.ChangeNotice;
import io.onegate.common.options.Options;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current {@link Options} snapshot of this worker: loaded at start, reloaded on {@code ChangeNotice(OPTION)} or
 * {@code ChangeNotice(ALL)}, and every {@code SYNC_FREQUENCY} seconds as a backstop for a lost notice. A failed reload
 * keeps the previous snapshot.
 */
public final class LiveOptions implements Supplier<Options> {
  private static final Logger LOG = LoggerFactory.getLogger(LiveOptions.class);

  private final Pool pg;
  private volatile Options current;
  private MessageConsumer<JsonObject> consumer;
  private Vertx vertx;
  private long timerId = -1;

  private LiveOptions(Pool pg, Options initial) {
    this.pg = pg;
    this.current = initial;
  }

  public static Future<LiveOptions> start(Vertx vertx, Pool pg, java.time.Duration backstop) {
    return Options.load(pg).compose(initial -> {
      LiveOptions live = new LiveOptions(pg, initial);
      live.vertx = vertx;
      live.timerId = vertx.setPeriodic(backstop.toMillis(), id -> live.reload());
      live.consumer = vertx.eventBus().<JsonObject>consumer(ClusterNames.CHANGES_ADDRESS, msg -> {
        ChangeNotice.Kind kind = ChangeNotice.fromJson(msg.body()).kind();
        if (kind == ChangeNotice.Kind.OPTION || kind == ChangeNotice.Kind.ALL) {
          live.reload();
        }
      });
      return live.consumer.completion().map(live);
    });
  }

  public Future<Options> reload() {
    return Options.load(pg)
        .onSuccess(o -> current = o)
        .onFailure(err -> LOG.warn("options reload failed, keeping the previous ones: {}", err.getMessage()));
  }

  @Override
  public Options get() {
    return current;
  }

  public Future<Void> stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
