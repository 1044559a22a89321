package io.switchboard.systemtest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The production storage shape: history on PostgreSQL (127.0.0.1:5432, database {@code test}),
 * served by two stateless history-service instances at once, one of which is killed mid-traffic.
 * Runs when the server is reachable; CI (SWITCHBOARD_REQUIRE_POSTGRES=1) always runs it.
 */
@EnabledIf("postgresAvailable")
@ClusterTestBase.ClusterEnv({
    "SWITCHBOARD_HISTORY_STORE=postgres",
    "SWITCHBOARD_HISTORY_PG_DATABASE=test",
    "SWITCHBOARD_HISTORY_PG_SCHEMA=" + PostgresHistoryClusterTest.SCHEMA})
class PostgresHistoryClusterTest extends ClusterTestBase {

  static final String SCHEMA = "switchboard_system_test";
  private static final String JDBC = "jdbc:postgresql://127.0.0.1:5432/test";

  @Test
  void twoHistoryInstancesShareTheStoreAndOneCanDieWithoutLosingAnAcknowledgedMessage() throws Exception {
    cluster.awaitReady(cluster.start(ClusterHarness.Kind.HISTORY));
    String room = "pg-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Long> acks;
    try (SteadySenders senders = new SteadySenders(vertx, gateways(), room, 6, Duration.ofMillis(2))) {
      Thread.sleep(2000);
      cluster.kill(cluster.all(ClusterHarness.Kind.HISTORY).get(0));
      Thread.sleep(3000);
      acks = senders.stop();
    }
    assertRoomHoldsExactly(room, acks);
  }

  @AfterAll
  static void dropSchema() throws Exception {
    try (var c = DriverManager.getConnection(JDBC, "postgres", "")) {
      c.createStatement().execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }
  }

  static boolean postgresAvailable() {
    if ("1".equals(System.getenv("SWITCHBOARD_REQUIRE_POSTGRES"))) {
      return true;
    }
    try (var c = DriverManager.getConnection(JDBC, "postgres", "")) {
      return c.isValid(2);
    } catch (Exception e) {
      return false;
    }
  }
}
