package io.onegate.common.db;

import io.onegate.common.config.PostgresDsn;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned schema in {@code db/migration} with Flyway. Blocking: call it from a worker thread at
 * start-up only. Flyway holds a PostgreSQL advisory lock while migrating, so concurrent starts of several
 * processes run the migrations once.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  /** Migrates to the latest version, waiting up to 30 s for the server. */
  public static int migrate(PostgresDsn dsn) {
    return migrate(dsn, 30);
  }

  /** Migrates to the latest version, waiting up to about {@code waitSeconds} for the server; returns how many ran. */
  public static int migrate(PostgresDsn dsn, int waitSeconds) {
    Flyway flyway = Flyway.configure()
        .dataSource(dsn.jdbcUrl(), dsn.user(), dsn.password())
        .locations("classpath:db/migration")
        // version numbers are reserved per area (relay V10-V19, billing V20-V29, ...): a database already at V40
        // must still apply a later-merged V21
        .outOfOrder(true)
        .connectRetries(Math.max(1, waitSeconds / 2))
        .connectRetriesInterval(2)
        .load();
    MigrateResult result = flyway.migrate();
    if (result.migrationsExecuted > 0) {
      LOG.info("database schema migrated to version {} ({} migrations applied)", result.targetSchemaVersion,
          result.migrationsExecuted);
    }
    return result.migrationsExecuted;
  }
}
