package io.switchboard.history;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.Addresses.HistoryOps;
import io.switchboard.common.bus.EventBusMessageLog;
import io.switchboard.common.bus.HistoryClientOptions;
import io.switchboard.common.bus.HistoryProtocol;
import io.switchboard.common.cluster.Role;
import io.switchboard.common.cluster.SettableClusterView;
import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.ForwardingMessageLog;
import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.MessageLog;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.history.RetentionRule;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.history.store.PgMessageStore;
import io.switchboard.history.store.PgTestDatabase;
import io.switchboard.history.store.RetentionOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** What the history service answers, as the room service sees it over the event bus. */
class HistoryVerticleTest {

  private static final String ROOM = "lobby";
  private static final String NODE = "history-1";

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
    MessageLog history = deploy(new InMemoryMessageStore());
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
      Future<Object> reply = request(HistoryOps.APPEND, request);
      assertThat(BusError.of(failureOf(reply))).as("answer to %s", request).isEqualTo(BusError.BAD_REQUEST);
    }
  }

  @Test
  void aStoreFailureIsAnsweredUnavailableSoTheRoomRetries() {
    MessageLog history = deploy(new AppendsFail(false));
    String epoch = history.state(ROOM).await().epoch();
    assertThat(BusError.of(failureOf(history.append(ROOM, epoch, List.of(message(1, "m1"))))))
        .isEqualTo(BusError.UNAVAILABLE);
  }

  @Test
  void aStoreThatThrowsIsAnsweredLikeOneThatFails() {
    MessageLog history = deploy(new AppendsFail(true));
    String epoch = history.state(ROOM).await().epoch();
    assertThat(BusError.of(failureOf(history.append(ROOM, epoch, List.of(message(1, "m1"))))))
        .isEqualTo(BusError.UNAVAILABLE);
  }

  @Test
  void malformedStateAndPageRequestsAndUnknownOperationsAreAnsweredBadRequest() {
    deploy(new InMemoryMessageStore());
    List<Object[]> malformed = List.of(
        new Object[] {HistoryOps.STATE, new JsonObject()},
        new Object[] {HistoryOps.STATE, new JsonObject().put("room", 7)},
        new Object[] {HistoryOps.STATE, "lobby"},
        new Object[] {HistoryOps.PAGE, new JsonObject().put("after", 0)},
        new Object[] {HistoryOps.PAGE, new JsonObject().put("room", ROOM).put("after", "zero")},
        new Object[] {HistoryOps.PAGE, new JsonObject().put("room", ROOM).put("before", 1.5)},
        new Object[] {HistoryOps.PAGE, new JsonObject().put("room", ROOM).put("limit", "all")},
        new Object[] {HistoryOps.PAGE, new JsonObject().put("room", ROOM).put("after", 0).put("before", 9)},
        new Object[] {"compact", new JsonObject().put("room", ROOM)},
        new Object[] {null, new JsonObject().put("room", ROOM)});

    for (Object[] request : malformed) {
      Future<Object> reply = request((String) request[0], request[1]);
      assertThat(BusError.of(failureOf(reply))).as("answer to %s as %s", request[1], request[0])
          .isEqualTo(BusError.BAD_REQUEST);
    }
  }

  @Test
  void pagesAreServedAfterOrBeforeASeqAndTheLimitIsCappedAtTheLargestPage() {
    InMemoryMessageStore store = new InMemoryMessageStore();
    MessageLog history = deploy(store);
    String epoch = store.state(ROOM).await().epoch();
    int count = HistoryVerticle.MAX_PAGE + 5;
    store.append(ROOM, epoch, LongStream.rangeClosed(1, count).mapToObj(seq -> message(seq, "m" + seq)).toList()).await();

    assertThat(history.after(ROOM, 2, 3).await().messages()).extracting(StoredMessage::seq).containsExactly(3L, 4L, 5L);
    assertThat(history.before(ROOM, 5, 2).await().messages()).extracting(StoredMessage::seq).containsExactly(3L, 4L);
    assertThat(history.after(ROOM, 0, Integer.MAX_VALUE).await().messages()).hasSize(HistoryVerticle.MAX_PAGE);
    assertThat(history.after(ROOM, 0, -1).await().messages()).isEmpty();
    HistoryPage unbounded = HistoryProtocol.decodePage((JsonObject) request(HistoryOps.PAGE,
        new JsonObject().put("room", ROOM)).await());
    assertThat(unbounded.messages()).extracting(StoredMessage::seq)
        .as("no bound reads from the start, no limit reads the default page")
        .hasSize(HistoryProtocol.DEFAULT_PAGE_LIMIT).startsWith(1L);
  }

  /** A store whose rooms load but whose appends all fail, by a failed future or by throwing. */
  private static final class AppendsFail extends ForwardingMessageLog implements MessageStore {
    private final boolean throwing;

    AppendsFail(boolean throwing) {
      super(new InMemoryMessageStore());
      this.throwing = throwing;
    }

    @Override
    public Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
      IllegalStateException failure = new IllegalStateException("disk on fire");
      if (throwing) {
        throw failure;
      }
      return Future.failedFuture(failure);
    }

    @Override
    public Future<Long> applyRetention(RetentionRule rule, Collection<String> longerPrefixes, long nowMillis) {
      throw new UnsupportedOperationException("these verticles do not run retention");
    }
  }

  private static void assertRefusesNulAndTakesTheNextBatch(MessageLog history) {
    RoomState state = history.state(ROOM).await();
    Future<AppendResult> poisoned = history.append(ROOM, state.epoch(), List.of(message(1, "fine"), message(2, "bad\u0000id")));

    assertThat(BusError.of(failureOf(poisoned))).isEqualTo(BusError.UNPROCESSABLE);
    assertThat(history.append(ROOM, state.epoch(), List.of(message(1, "fine"))).await())
        .isEqualTo(new AppendResult.Appended(1, state.epoch()));
  }


  private MessageLog deploy(MessageStore store) {
    vertx.deployVerticle(new HistoryVerticle(NODE, store, new RetentionOptions(List.of(), Duration.ofMinutes(1)), false,
        System::currentTimeMillis, LogLimiter.perMinute(10))).await();
    return new EventBusMessageLog(vertx, new SettableClusterView("room-1").set(Role.HISTORY, NODE),
        new HistoryClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(10)), System::currentTimeMillis);
  }

  /** A raw request for operation {@code op} (none if null) at the instance's address, as any cluster member may send it. */
  private Future<Object> request(String op, Object body) {
    DeliveryOptions delivery = new DeliveryOptions();
    if (op != null) {
      delivery.addHeader(Addresses.OP, op);
    }
    return vertx.eventBus().request(Addresses.historyNode(NODE), body, delivery).map(m -> m.body());
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
