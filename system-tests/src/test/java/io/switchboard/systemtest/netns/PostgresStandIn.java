package io.switchboard.systemtest.netns;

import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code postgres} image, stood in for by the machine's PostgreSQL (127.0.0.1:5432, database
 * {@code test}, trust authentication) through a {@link TcpForwarder} on the image's address and
 * port 5432. Each bed run keeps its tables in a schema of its own, dropped when the run ends (and,
 * after a crashed run, when the next one starts), so that runs never see each other's rooms.
 */
public final class PostgresStandIn implements StandIn {

  static final int PORT = 5432;
  private static final String JDBC = "jdbc:postgresql://127.0.0.1:" + PORT + "/test";
  private static final String SCHEMA_PREFIX = "netns_bed_";

  private final String schema = SCHEMA_PREFIX + UUID.randomUUID().toString().substring(0, 8);
  private TcpForwarder forwarder;

  @Override
  public void start(String address) throws Exception {
    dropSchemas(SCHEMA_PREFIX + "%");
    forwarder = new TcpForwarder(new InetSocketAddress(address, PORT), new InetSocketAddress("127.0.0.1", PORT));
  }

  /** The local server's database and role, and this run's own schema. */
  @Override
  public Map<String, String> overridesForClients() {
    return Map.of(
        "SWITCHBOARD_HISTORY_PG_DATABASE", "test",
        "SWITCHBOARD_HISTORY_PG_USER", "postgres",
        "SWITCHBOARD_HISTORY_PG_SCHEMA", schema);
  }

  public String schema() {
    return schema;
  }

  @Override
  public void close() throws Exception {
    if (forwarder != null) {
      forwarder.close();
      dropSchemas(schema);
    }
  }

  private static void dropSchemas(String pattern) throws SQLException {
    try (Connection c = DriverManager.getConnection(JDBC, "postgres", "")) {
      List<String> names = new ArrayList<>();
      try (var q = c.prepareStatement("SELECT nspname FROM pg_namespace WHERE nspname LIKE ?")) {
        q.setString(1, pattern);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            names.add(rs.getString(1));
          }
        }
      }
      for (String name : names) {
        c.createStatement().execute("DROP SCHEMA \"" + name + "\" CASCADE");
      }
    }
  }
}
