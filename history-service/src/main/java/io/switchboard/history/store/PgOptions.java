package io.switchboard.history.store;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.vertx.pgclient.PgConnectOptions;

import java.time.Duration;
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
 * @param idleInTransactionTimeout the server ends a session that holds a transaction open this long
 *     without sending a statement, and so releases its locks (PostgreSQL's
 *     {@code idle_in_transaction_session_timeout}); zero turns that off. An instance frozen in the
 *     middle of an append (a long pause, a stopped VM) would otherwise keep the room's row locked,
 *     and the other instances, which the room service has moved on to, waiting on it
 */
public record PgOptions(String host, int port, String database, String user, String password, String schema,
                        int poolSize, Duration idleInTransactionTimeout) {

  /** The default of {@link #idleInTransactionTimeout}. */
  public static final Duration IDLE_IN_TRANSACTION_TIMEOUT = Duration.ofSeconds(2);
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public PgOptions {
    if (!IDENTIFIER.matcher(schema).matches()) {
      throw new ConfigException("history.pg.schema must be a lower-case SQL identifier, was " + schema);
    }
    if (poolSize < 1) {
      throw new ConfigException("history.pg.poolSize must be positive");
    }
  }

  /** Options with the default {@link #idleInTransactionTimeout}. */
  public PgOptions(String host, int port, String database, String user, String password, String schema, int poolSize) {
    this(host, port, database, user, password, schema, poolSize, IDLE_IN_TRANSACTION_TIMEOUT);
  }

  public static PgOptions from(ConfigSource src) {
    return new PgOptions(
        src.string("history.pg.host", "127.0.0.1"),
        src.integer("history.pg.port", 5432),
        src.string("history.pg.database", "switchboard"),
        src.string("history.pg.user", "postgres"),
        src.string("history.pg.password", ""),
        src.string("history.pg.schema", "switchboard"),
        src.integer("history.pg.poolSize", 8),
        src.millis("history.pg.idleInTransactionTimeoutMs", IDLE_IN_TRANSACTION_TIMEOUT));
  }

  /** How the store's connections reach the server, and the session settings they start with. */
  public PgConnectOptions connectOptions() {
    return new PgConnectOptions().setHost(host).setPort(port).setDatabase(database).setUser(user).setPassword(password)
        .addProperty("idle_in_transaction_session_timeout", String.valueOf(idleInTransactionTimeout.toMillis()));
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }
}
