package io.onegate.gateway.state;

import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.domain.ChangeNotice;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's current {@link Snapshot}. Loaded at start; each {@link ChangeNotice} published on
 * {@link ClusterNames#CHANGES_ADDRESS} reloads just that entity from PostgreSQL and swaps the snapshot; a full
 * reload every SYNC_FREQUENCY seconds is the backstop for a lost notice. All updates run on one Vert.x context
 * (so read-modify-swap never races); {@link #current()} is a volatile read, safe from any thread.
 */
public final class StateStore {
  private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);

  private final Vertx vertx;
  private final Context context;
  private final SnapshotLoader loader;
  private volatile Snapshot current;
  private MessageConsumer<JsonObject> consumer;
  private long timer = -1;
  private List<ChangeNotice> duringFullReload; // notices that arrived while a full reload was in flight

  private StateStore(Vertx vertx, Context context, SnapshotLoader loader, Snapshot initial) {
    this.vertx = vertx;
    this.context = context;
    this.loader = loader;
    this.current = initial;
  }

  /** Loads the first snapshot, subscribes to change notices and schedules the backstop reload. */
  public static Future<StateStore> start(Vertx vertx, SnapshotLoader loader, Duration syncFrequency) {
    Context context = vertx.getOrCreateContext();
    io.vertx.core.Promise<StateStore> promise = io.vertx.core.Promise.promise();
    context.runOnContext(v -> loader.loadAll().compose(snapshot -> {
      StateStore store = new StateStore(vertx, context, loader, snapshot);
      store.consumer = vertx.eventBus().consumer(ClusterNames.CHANGES_ADDRESS,
          msg -> store.apply(ChangeNotice.fromJson(msg.body())));
      store.timer = vertx.setPeriodic(syncFrequency.toMillis(), id -> store.fullReload());
      return store.consumer.completion().map(store);
    }).onComplete(promise));
    return promise.future();
  }

  public Snapshot current() {
    return current;
  }

  /** Applies a change notice (also callable directly, e.g. by /api on this node). */
  public Future<Void> apply(ChangeNotice notice) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      if (duringFullReload != null) {
        duringFullReload.add(notice);
      }
      reload(notice).onFailure(err -> LOG.warn("reload after {} failed: {}", notice, err.getMessage()))
          .onComplete(done);
    });
    return done.future();
  }

  private Future<Void> reload(ChangeNotice notice) {
    int id = (int) notice.id();
    if (notice.kind() == ChangeNotice.Kind.ALL || (id == 0 && notice.kind() != ChangeNotice.Kind.OPTION)) {
      return fullReload();
    }
    return switch (notice.kind()) {
      case TOKEN -> loader.token(id).map(t -> swap(current.withToken(id, t.orElse(null))));
      case USER -> loader.user(id).map(u -> swap(current.withUser(id, u.orElse(null))));
      case CHANNEL -> loader.channel(id).map(c -> swap(current.withChannel(id, c.orElse(null))));
      case OPTION -> loader.options().map(o -> swap(current.withOptions(o)));
      case ALL -> fullReload();
    };
  }

  private Void swap(Snapshot next) {
    current = next;
    return null;
  }

  /** Full reload; notices that arrive meanwhile are re-applied after it so it never overwrites them with stale rows. */
  public Future<Void> fullReload() {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      if (duringFullReload != null) {
        done.complete(); // one already running
        return;
      }
      duringFullReload = new ArrayList<>();
      loader.loadAll().compose(snapshot -> {
        current = snapshot;
        List<ChangeNotice> replay = duringFullReload;
        duringFullReload = null;
        Future<Void> chain = Future.succeededFuture();
        for (ChangeNotice n : replay) {
          chain = chain.compose(x -> reload(n));
        }
        return chain;
      }).onFailure(err -> {
        duringFullReload = null;
        LOG.warn("full snapshot reload failed: {}", err.getMessage());
      }).onComplete(done);
    });
    return done.future();
  }

  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
