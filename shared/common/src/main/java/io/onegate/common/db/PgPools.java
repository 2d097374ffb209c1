package io.onegate.common.db;

import io.onegate.common.config.PostgresDsn;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Builds the vertx-pg-client pool of a process from One API's {@code SQL_DSN}. */
public final class PgPools {
  private PgPools() {
  }

  public static Pool create(Vertx vertx, PostgresDsn dsn, int maxSize) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(dsn.host())
        .setPort(dsn.port())
        .setDatabase(dsn.database())
        .setUser(dsn.user())
        .setPassword(dsn.password())
        .setPipeliningLimit(256)
        .setReconnectAttempts(3)
        .setReconnectInterval(500);
    String sslmode = dsn.params().get("sslmode");
    if (sslmode != null) {
      connect.setSslMode(SslMode.of(sslmode));
    }
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(maxSize).setName("onegate-pg"))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }
}
