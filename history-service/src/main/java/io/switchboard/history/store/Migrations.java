package io.switchboard.history.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a store's schema up to date with Flyway at start-up. Both stores share one logical
 * schema, with one migration folder per SQL dialect. Blocking: call from a worker thread.
 */
final class Migrations {

  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  static void migrate(String jdbcUrl, String user, String password, String dialect, String schema) {
    var config = Flyway.configure()
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration/" + dialect)
        .table("sb_schema_history");
    if (schema != null) {
      config.schemas(schema).defaultSchema(schema).createSchemas(true);
    }
    MigrateResult result = config.load().migrate();
    log.atInfo().addKeyValue("dialect", dialect).addKeyValue("applied", result.migrationsExecuted)
        .addKeyValue("version", result.targetSchemaVersion).log("history schema migrated");
  }
}
