package io.switchboard.history.store;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;

import java.util.regex.Pattern;

/**
 * The PostgreSQL store's settings.
 *
 * @param host server host
 * @param port server port
 * @param database database name
 * @param user user name
 * @param password password (empty for trust authentication)
 * @param schema schema holding Switchboard's tables (created by the migration if missing)
 * @param poolSize connections per history-service process
 */
public record PgOptions(String host, int port, String database, String user, String password, String schema,
                        int poolSize) {

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public PgOptions {
    if (!IDENTIFIER.matcher(schema).matches()) {
      throw new ConfigException("history.pg.schema must be a lower-case SQL identifier, was " + schema);
    }
    if (poolSize < 1) {
      throw new ConfigException("history.pg.poolSize must be positive");
    }
  }

  public static PgOptions from(ConfigSource src) {
    return new PgOptions(
        src.string("history.pg.host", "127.0.0.1"),
        src.integer("history.pg.port", 5432),
        src.string("history.pg.database", "switchboard"),
        src.string("history.pg.user", "postgres"),
        src.string("history.pg.password", ""),
        src.string("history.pg.schema", "switchboard"),
        src.integer("history.pg.poolSize", 8));
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }
}
