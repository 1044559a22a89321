package io.switchboard.history.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on one JDBC connection of the embedded store, run on a worker thread. */
@FunctionalInterface
interface SqlFunction<T> {

  T apply(Connection c) throws SQLException;
}
