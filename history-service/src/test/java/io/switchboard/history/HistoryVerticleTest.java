package io.switchboard.history;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.EventBusMessageStore;
import io.switchboard.common.history.ForwardingMessageStore;
import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.history.store.PgMessageStore;
import io.switchboard.history.store.PgTestDatabase;
import io.switchboard.history.store.RetentionOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the history service answers, as the room service sees it over the event bus. */
class HistoryVerticleTest {

  private static final String ROOM = "lobby";

  private final Vertx vertx = Vertx.vertx();
  private PgMessageStore pg;

  @AfterEach
  void tearDown() {
    if (pg != null) {
      pg.close().await();
    }
    vertx.close().await();
  }

  @Test
  void aBatchTheStoreCannotHoldIsAnsweredUnprocessableAndTheRoomTakesTheNextOne() {
    MessageStore history = deploy(new InMemoryMessageStore());
    assertRefusesNulAndTakesTheNextBatch(history);
  }

  @Test
  void onPostgresqlANulInAClientMsgIdIsAnsweredUnprocessable() {
    PgTestDatabase database = new PgTestDatabase(vertx);
    database.requireServer();
    try {
      pg = PgMessageStore.open(vertx, database.options()).await();
      assertRefusesNulAndTakesTheNextBatch(deploy(pg));
    } finally {
      if (pg != null) {
        pg.close().await();
        pg = null;
      }
      database.dropSchema();
    }
  }

  @Test
  void malformedAppendsAreAnsweredBadRequest() {
    String epoch = deploy(new InMemoryMessageStore()).state(ROOM).await().epoch();
    JsonObject message = new StoredMessage(ROOM, 1, "alice", "m1", "hi", 1L).toJson();
    List<JsonObject> malformed = List.of(
        new JsonObject().put("room", 7),
        new JsonObject().put("room", ROOM).put("messages", new JsonArray().add(message)),
        new JsonObject().put("room", ROOM).put("epoch", epoch).put("messages", "not an array"),
        new JsonObject().put("room", ROOM).put("epoch", epoch).put("messages", new JsonArray()),
        new JsonObject().put("room", ROOM).put("epoch", epoch).put("messages", new JsonArray().add(42)),
        new JsonObject().put("room", ROOM).put("epoch", epoch)
            .put("messages", new JsonArray().add(message.copy().put("sender", List.of("x")))),
        new JsonObject().put("room", ROOM).put("epoch", epoch)
            .put("messages", new JsonArray().add(message.copy().put("seq", "one"))),
        new JsonObject().put("room", ROOM).put("epoch", epoch)
            .put("messages", new JsonArray().add(message).add(message.copy().put("seq", 5))));

    for (JsonObject request : malformed) {
      Future<Object> reply = vertx.eventBus().request(Addresses.HISTORY_APPEND, request).map(m -> m.body());
      assertThat(BusError.of(failureOf(reply))).as("answer to %s", request).isEqualTo(BusError.BAD_REQUEST);
    }
  }

  @Test
  void aStoreFailureIsAnsweredUnavailableSoTheRoomRetries() {
    MessageStore history = deploy(new AppendsFail(new IllegalStateException("disk on fire")));
    String epoch = history.state(ROOM).await().epoch();
    assertThat(BusError.of(failureOf(history.append(ROOM, epoch, List.of(message(1, "m1"))))))
        .isEqualTo(BusError.UNAVAILABLE);
  }

  /** A store whose rooms load but whose appends all fail the same way. */
  private static final class AppendsFail extends ForwardingMessageStore {
    private final RuntimeException failure;

    AppendsFail(RuntimeException failure) {
      super(new InMemoryMessageStore());
      this.failure = failure;
    }

    @Override
    public Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
      return Future.failedFuture(failure);
    }
  }

  private static void assertRefusesNulAndTakesTheNextBatch(MessageStore history) {
    RoomState state = history.state(ROOM).await();
    Future<AppendResult> poisoned = history.append(ROOM, state.epoch(), List.of(message(1, "fine"), message(2, "bad\u0000id")));

    assertThat(BusError.of(failureOf(poisoned))).isEqualTo(BusError.UNPROCESSABLE);
    assertThat(history.append(ROOM, state.epoch(), List.of(message(1, "fine"))).await())
        .isEqualTo(new AppendResult.Appended(1, state.epoch()));
  }

  private MessageStore deploy(MessageStore store) {
    vertx.deployVerticle(new HistoryVerticle(store, new RetentionOptions(List.of(), Duration.ofMinutes(1)), false,
        System::currentTimeMillis)).await();
    return new EventBusMessageStore(vertx.eventBus(), Duration.ofSeconds(10));
  }

  private static StoredMessage message(long seq, String clientMsgId) {
    return new StoredMessage(ROOM, seq, "alice", clientMsgId, new JsonObject().put("text", "hi"), 1_700_000_000_000L + seq);
  }

  private static Throwable failureOf(Future<?> future) {
    try {
      future.await();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure, got " + future.result());
  }
}
