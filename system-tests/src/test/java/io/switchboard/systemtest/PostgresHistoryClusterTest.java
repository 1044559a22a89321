package io.switchboard.systemtest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production storage shape: history on PostgreSQL (127.0.0.1:5432, database {@code test}, a
 * schema of this class's own, dropped before and after), served by two stateless history-service
 * instances at once, one of which is killed mid-traffic. Each test adds a history instance to the
 * cluster and kills the oldest. Runs when the server is reachable; CI
 * (SWITCHBOARD_REQUIRE_POSTGRES=1) always runs it.
 */
@EnabledIf("postgresAvailable")
@ClusterTestBase.ClusterEnv({
    "SWITCHBOARD_HISTORY_STORE=postgres",
    "SWITCHBOARD_HISTORY_PG_DATABASE=test",
    "SWITCHBOARD_HISTORY_PG_SCHEMA=" + PostgresHistoryClusterTest.SCHEMA})
class PostgresHistoryClusterTest extends ClusterTestBase {

  static final String SCHEMA = "switchboard_system_test";
  private static final String JDBC = "jdbc:postgresql://127.0.0.1:5432/test";
  /** Acks each room must get after a kill to show it takes writes again. */
  private static final int MORE_ACKS = 20;

  static {
    // Run before the cluster starts (ClusterTestBase initialises the class first): no rooms of an
    // earlier run are left in the schema.
    dropSchema();
  }

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

  /**
   * History failover: the room services' calls that were waiting on the killed instance move to
   * the other one, so no sequencer sees a failed history call and every room goes on taking
   * writes. How long they stalled is a benchmark (bench/run-history-failover-bench.sh); here only a
   * generous bound.
   */
  @Test
  void whenAHistoryInstanceIsKilledEveryRoomGoesOnTakingWritesAndNoSequencerSeesIt() throws Exception {
    cluster.awaitReady(cluster.start(ClusterHarness.Kind.HISTORY));
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> rooms = new ArrayList<>();
    List<SteadySenders> senders = new ArrayList<>();
    try {
      for (int r = 0; r < 6; r++) {
        rooms.add("failover-" + run + "-" + r);
        senders.add(new SteadySenders(vertx, gateways(), rooms.get(r), 2, Duration.ofMillis(10)));
      }
      awaitEveryRoomAcked(senders, new int[rooms.size()]);

      int[] atKill = senders.stream().mapToInt(s -> s.acks.size()).toArray();
      cluster.kill(cluster.all(ClusterHarness.Kind.HISTORY).get(0));
      awaitEveryRoomAcked(senders, atKill);

      for (int r = 0; r < rooms.size(); r++) {
        assertRoomHoldsExactly(rooms.get(r), senders.get(r).stop());
      }
    } finally {
      senders.forEach(SteadySenders::close);
    }
    for (ClusterHarness.Proc room : cluster.all(ClusterHarness.Kind.ROOM)) {
      assertThat(Files.readString(room.log)).as("%s: no sequencer saw a history call fail", room.name)
          .doesNotContain("outcome unknown");
    }
  }

  /** Waits until every room has {@link #MORE_ACKS} acks past {@code from}; fails after a generous 15 s. */
  private static void awaitEveryRoomAcked(List<SteadySenders> senders, int[] from) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    for (int r = 0; r < senders.size(); r++) {
      while (senders.get(r).acks.size() < from[r] + MORE_ACKS && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(senders.get(r).acks.size()).as("acks in room %d", r).isGreaterThanOrEqualTo(from[r] + MORE_ACKS);
    }
  }

  @AfterAll
  static void dropSchemaAfter() {
    dropSchema();
  }

  private static void dropSchema() {
    try (var c = DriverManager.getConnection(JDBC, "postgres", "")) {
      c.createStatement().execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    } catch (SQLException unavailable) {
      // No server: the class is disabled (postgresAvailable).
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
