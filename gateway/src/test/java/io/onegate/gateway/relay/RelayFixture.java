package io.onegate.gateway.relay;

import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.crypto.KeyCipher;
import io.onegate.common.domain.ChangeNotice;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.gateway.GatewayApplication;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test helpers: start gateway nodes on real infrastructure, seed rows through the pool, await futures. */
final class RelayFixture {
  private RelayFixture() {
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Config config(Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>(extra);
    env.putIfAbsent(Settings.USAGE_SPILL_DIR.name(), Files.createTempDirectory("onegate-spill").toString());
    env.putIfAbsent(Settings.STREAM_IDLE_TIMEOUT.name(), "2");
    return io.onegate.testkit.TestInfra.get().freshConfig(env);
  }

  static ProcessRuntime runtime(Config config) {
    return await(ProcessRuntime.start(config));
  }

  static ProcessMain.Application gateway(ProcessRuntime runtime) {
    return await(GatewayApplication.start(runtime));
  }

  static int user(ProcessRuntime rt, String name, int role, long quota, String group) {
    return await(rt.pg().preparedQuery("INSERT INTO users (username, password, role, status, quota, \"group\") "
        + "VALUES ($1, 'x', $2, 1, $3, $4) RETURNING id").execute(Tuple.of(name, role, quota, group)))
        .iterator().next().getInteger(0);
  }

  /** A token; {@code expired} −1 = never. */
  static int token(ProcessRuntime rt, int userId, String key, int status, long expired, long remain,
                   boolean unlimited, String models, String subnet) {
    return await(rt.pg().preparedQuery("INSERT INTO tokens (user_id, key, status, name, expired_time, remain_quota,"
        + " unlimited_quota, models, subnet) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .execute(Tuple.tuple().addInteger(userId).addString(key).addInteger(status).addString("t-" + key.substring(0, 6))
            .addLong(expired).addLong(remain).addBoolean(unlimited).addString(models).addString(subnet)))
        .iterator().next().getInteger(0);
  }

  static int channel(ProcessRuntime rt, Config config, int type, String key, String baseUrl, String models,
                     String group, long priority, int weight, String modelMapping) {
    String stored = KeyCipher.fromConfig(config).encrypt(key);
    return await(rt.pg().preparedQuery("INSERT INTO channels (type, key, status, name, weight, base_url, models, "
        + "\"group\", priority, model_mapping) VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .execute(Tuple.tuple().addInteger(type).addString(stored).addString("ch-" + priority + "-" + weight)
            .addInteger(weight).addString(baseUrl).addString(models).addString(group).addLong(priority)
            .addString(modelMapping)))
        .iterator().next().getInteger(0);
  }

  /** A channel with One API's {@code other} (Azure: the api-version), {@code config} and model mapping columns. */
  static int channel(ProcessRuntime rt, Config config, int type, String key, String baseUrl, String models,
                     String other, String channelConfig, String modelMapping) {
    String stored = KeyCipher.fromConfig(config).encrypt(key);
    return await(rt.pg().preparedQuery("INSERT INTO channels (type, key, status, name, weight, base_url, models, "
        + "\"group\", priority, model_mapping, other, config) VALUES ($1, $2, 1, $3, 0, $4, $5, 'default', 0, $8, $6, $7) "
        + "RETURNING id").execute(Tuple.tuple().addInteger(type).addString(stored).addString("ch-type-" + type)
            .addString(baseUrl).addString(models).addString(other).addString(channelConfig).addString(modelMapping)))
        .iterator().next().getInteger(0);
  }

  static void option(ProcessRuntime rt, String key, String value) {
    await(rt.pg().preparedQuery("INSERT INTO options (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE "
        + "SET value = EXCLUDED.value").execute(Tuple.of(key, value)));
  }

  static void publish(ProcessRuntime rt, ChangeNotice notice) {
    rt.vertx().eventBus().publish(ClusterNames.CHANGES_ADDRESS, notice.toJson());
  }

  static void stop(ProcessMain.Application app, ProcessRuntime rt) {
    if (app != null) {
      ProcessRuntime.awaitQuietly(app.stop(), Duration.ofSeconds(10));
    }
    if (rt != null) {
      rt.closeBlocking(Duration.ofSeconds(15));
    }
  }

  /** A 48-character token key (stored without sk-). */
  static String key(char c) {
    return String.valueOf(c).repeat(48);
  }
}
