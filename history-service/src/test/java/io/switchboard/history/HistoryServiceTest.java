package io.switchboard.history;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.service.Stoppable;
import io.switchboard.common.service.TestServiceContext;
import io.switchboard.history.store.RetentionOptions;
import io.switchboard.history.store.SqliteMessageStore;
import io.switchboard.history.store.SqliteOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The history service's lifecycle: it closes the store it opened, after it has stopped answering. */
class HistoryServiceTest {

  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private Future<JsonObject> state(String room) {
    return vertx.eventBus().<JsonObject>request(Addresses.historyNode(TestServiceContext.NODE),
            new JsonObject().put("room", room), new DeliveryOptions().addHeader(Addresses.OP, Addresses.HistoryOps.STATE))
        .map(reply -> reply.body());
  }

  @Test
  void stoppingTheServiceClosesItsEmbeddedStore() throws SQLException {
    Path db = dir.resolve("history.db");
    ConfigSource config = new ConfigSource(new JsonObject(), Map.of(
        "SWITCHBOARD_HISTORY_STORE", "sqlite", "SWITCHBOARD_HISTORY_SQLITE_PATH", db.toString()));
    Stoppable running = new HistoryService(config)
        .deploy(TestServiceContext.local(vertx, System::currentTimeMillis)).await();
    String epoch = state("lobby").await().getString("epoch");
    assertThat(leaveWalMode(db)).as("the store holds the database open").isFalse();

    running.stop().await();

    assertThat(leaveWalMode(db)).as("no connection of the store is left").isTrue();
    SqliteMessageStore reopened = SqliteMessageStore.open(vertx, SqliteOptions.from(config)).await();
    try {
      assertThat(reopened.state("lobby").await()).as("what it committed is in the database")
          .isEqualTo(new RoomState(0, epoch));
    } finally {
      reopened.close().await();
    }
  }

  /**
   * Whether another connection can take the database out of WAL mode, which SQLite allows only to
   * the one connection that has it open.
   */
  private static boolean leaveWalMode(Path db) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
         ResultSet rs = c.createStatement().executeQuery("PRAGMA journal_mode=DELETE")) {
      return rs.next() && "delete".equalsIgnoreCase(rs.getString(1));
    } catch (SQLException locked) {
      return false;
    }
  }

  @Test
  void theStoreClosesOnlyOnceTheServiceHasStoppedAnsweringRequests() {
    List<String> events = new CopyOnWriteArrayList<>();
    HistoryService.StoreOpener opener = v -> Future.succeededFuture(new HistoryService.OpenStore(
        new InMemoryMessageStore(), () -> state("lobby").transform(request -> {
          events.add(request.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS
              ? "store closed, nothing answering" : "store closed while answering");
          return Future.succeededFuture();
        })));
    HistoryService service = new HistoryService(StoreKind.MEMORY, opener,
        new RetentionOptions(List.of(), Duration.ofMinutes(1)), 1);
    Stoppable running = service.deploy(TestServiceContext.local(vertx, System::currentTimeMillis)).await();
    assertThat(state("lobby").await().getLong("top")).isZero();

    running.stop().await();

    assertThat(events).containsExactly("store closed, nothing answering");
  }

  @Test
  void severalInstancesNeedTheSharedStore() {
    assertThatThrownBy(() -> new HistoryService(new ConfigSource(new JsonObject(), Map.of(
        "SWITCHBOARD_HISTORY_STORE", "sqlite", "SWITCHBOARD_HISTORY_INSTANCES", "2"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("history.store=postgres");
    new HistoryService(new ConfigSource(new JsonObject(), Map.of(
        "SWITCHBOARD_HISTORY_STORE", "postgres", "SWITCHBOARD_HISTORY_INSTANCES", "2")));
  }
}
