package io.switchboard.history;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.EventBusMessageLog;
import io.switchboard.common.bus.HistoryClientOptions;
import io.switchboard.common.bus.HistoryProtocol;
import io.switchboard.common.cluster.Role;
import io.switchboard.common.cluster.SettableClusterView;
import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.history.store.RetentionOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a service's history client ({@link EventBusMessageLog}) rides over a history instance that
 * dies, freezes or is not ready, against real {@link HistoryVerticle}s sharing one store (as
 * instances share PostgreSQL) and stand-ins that never answer. A call that must wait for its full
 * time-out would miss the bounds the tests wait for, which are far shorter than that time-out.
 */
class HistoryFailoverTest {

  private static final String ROOM = "lobby";
  /** Longer than any test waits: a call that only ends by timing out fails its test. */
  private static final Duration FOREVER = Duration.ofMinutes(5);

  private final Vertx vertx = Vertx.vertx();
  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private final SettableClusterView cluster = new SettableClusterView("room-1");
  /** The instance each request a stand-in received was sent to, in order. */
  private final List<String> standInRequests = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void aCallWaitingOnAnInstanceThatLeavesTheClusterIsRetriedOnAnotherAtOnce() throws Exception {
    neverAnswers("h1");
    serves("h2");
    cluster.set(Role.HISTORY, "h1");
    EventBusMessageLog history = client(FOREVER, FOREVER);

    Future<RoomState> state = history.state(ROOM);
    awaitStandInRequests(1);
    cluster.set(Role.HISTORY, "h1", "h2");
    cluster.set(Role.HISTORY, "h2");

    assertThat(result(state)).isEqualTo(store.state(ROOM).await());
    assertThat(standInRequests).containsExactly("h1");
  }

  @Test
  void anAppendTheDepartedInstanceCommittedIsFencedNotWrittenTwice() throws Exception {
    commitsWithoutAnswering("h1");
    serves("h2");
    cluster.set(Role.HISTORY, "h1");
    EventBusMessageLog history = client(FOREVER, FOREVER);
    String epoch = store.state(ROOM).await().epoch();

    Future<AppendResult> append = history.append(ROOM, epoch, List.of(message(1, "m1"), message(2, "m2")));
    awaitStandInRequests(1);
    cluster.set(Role.HISTORY, "h2");

    assertThat(result(append)).as("the retry finds the seqs taken").isEqualTo(new AppendResult.Conflict(2, epoch));
    assertThat(result(history.append(ROOM, epoch, List.of(message(3, "m1"), message(4, "m2")))))
        .as("the sequencer's next try finds the messages at their seqs")
        .isEqualTo(new AppendResult.Duplicates(Map.of(0, 1L, 1, 2L), 2, epoch));
    assertThat(store.after(ROOM, 0, 10).await().messages()).extracting(StoredMessage::clientMsgId)
        .containsExactly("m1", "m2");
  }

  @Test
  void anInstanceThatLetsAnAttemptTimeOutIsPassedOverWhileAnotherAnswers() throws Exception {
    neverAnswers("h1");
    serves("h2");
    cluster.set(Role.HISTORY, "h1", "h2");
    EventBusMessageLog history = client(FOREVER, Duration.ofMillis(200));

    for (int i = 0; i < 6; i++) {
      assertThat(result(history.state(ROOM + i)).top()).isZero();
    }
    assertThat(standInRequests).as("tried once, then passed over").containsExactly("h1");
  }

  @Test
  void theLastInstanceLeftToTryGetsTheWholeTimeOut() throws Exception {
    answersAfter("h1", Duration.ofMillis(300));
    cluster.set(Role.HISTORY, "h1");
    EventBusMessageLog history = client(FOREVER, Duration.ofMillis(20));

    assertThat(result(history.state(ROOM)).top()).isZero();
    assertThat(standInRequests).as("asked once").containsExactly("h1");
  }

  @Test
  void anInstanceWithoutAHandlerYetIsSkipped() throws Exception {
    serves("h2");
    cluster.set(Role.HISTORY, "h1", "h2");
    EventBusMessageLog history = client(FOREVER, FOREVER);

    for (int i = 0; i < 4; i++) {
      assertThat(result(history.state(ROOM)).top()).isZero();
    }
  }

  @Test
  void aCallGoesRoundAgainUntilAnInstanceBindsItsHandler() throws Exception {
    cluster.set(Role.HISTORY, "h1"); // a member already, its consumers not bound yet (starting, or merging back)
    EventBusMessageLog history = client(FOREVER, FOREVER);

    Future<RoomState> state = history.state(ROOM);
    Thread.sleep(300);
    assertThat(state.isComplete()).as("still trying, not failed as having no handler").isFalse();
    serves("h1");

    assertThat(result(state)).isEqualTo(store.state(ROOM).await());
  }

  @Test
  void aCallWithoutAnyHandlerEndsAtItsDeadlineAsUnavailable() {
    cluster.set(Role.HISTORY, "h1");
    EventBusMessageLog history = client(Duration.ofMillis(400), Duration.ofMillis(400));

    assertThatThrownBy(() -> history.state(ROOM).await()).isInstanceOfSatisfying(ReplyException.class, e -> {
      assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
      assertThat(BusError.of(e)).isEqualTo(BusError.UNAVAILABLE);
    });
  }

  @Test
  void aFailureAnInstanceReportsEndsTheCallWithoutTryingAnother() {
    failsUnavailable("h1");
    failsUnavailable("h2");
    cluster.set(Role.HISTORY, "h1", "h2");
    EventBusMessageLog history = client(FOREVER, FOREVER);

    assertThatThrownBy(() -> history.state(ROOM).await()).isInstanceOfSatisfying(ReplyException.class,
        e -> assertThat(BusError.of(e)).isEqualTo(BusError.UNAVAILABLE));
    assertThat(standInRequests).hasSize(1);
  }

  @Test
  void withNoInstanceRunningACallFailsAtOnceAsUnavailable() throws Exception {
    EventBusMessageLog history = client(FOREVER, FOREVER);

    Future<RoomState> state = history.state(ROOM);

    assertThat(state.failed()).isTrue();
    assertThat(state.cause()).isInstanceOfSatisfying(ReplyException.class, e -> {
      assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
      assertThat(BusError.of(e)).isEqualTo(BusError.UNAVAILABLE);
    });
  }

  @Test
  void aCallThatFailsOverCompletesOnTheCallersContext() throws Exception {
    neverAnswers("h1");
    serves("h2");
    cluster.set(Role.HISTORY, "h1", "h2");
    EventBusMessageLog history = client(FOREVER, FOREVER);
    Context caller = vertx.getOrCreateContext();
    Promise<Context> completedOn = Promise.promise();

    // Each call first tries the next instance in turn: until one waits on h1, call again.
    caller.runOnContext(v -> callUntilOneWaitsOnH1(history, completedOn));
    awaitStandInRequests(1);
    cluster.set(Role.HISTORY, "h2"); // from this thread, as a membership event arrives

    assertThat(result(completedOn.future())).isSameAs(caller);
  }

  @Test
  void stoppingTheClientStopsWatchingTheMembership() {
    EventBusMessageLog history = client(FOREVER, FOREVER);
    assertThat(cluster.listeners()).isEqualTo(1);

    history.stop().await();

    assertThat(cluster.listeners()).isZero();
  }

  private void callUntilOneWaitsOnH1(EventBusMessageLog history, Promise<Context> completedOn) {
    int before = standInRequests.size();
    history.state(ROOM).onComplete(ar -> {
      if (standInRequests.size() > before) {
        completedOn.tryComplete(Vertx.currentContext());
      } else {
        callUntilOneWaitsOnH1(history, completedOn);
      }
    });
  }

  private EventBusMessageLog client(Duration timeout, Duration attemptTimeout) {
    return new EventBusMessageLog(vertx, cluster, new HistoryClientOptions(timeout, attemptTimeout),
        System::currentTimeMillis);
  }

  /** A real history instance over the shared store. */
  private void serves(String node) {
    vertx.deployVerticle(new HistoryVerticle(node, store, new RetentionOptions(List.of(), Duration.ofMinutes(1)), false,
        System::currentTimeMillis, LogLimiter.perMinute(10))).await();
  }

  /** An instance that was killed after the request reached it: it never answers. */
  private void neverAnswers(String node) {
    standIn(node, msg -> { });
  }

  /** An instance killed after its append committed, before it answered. */
  private void commitsWithoutAnswering(String node) {
    standIn(node, msg -> {
      HistoryProtocol.AppendRequest append = HistoryProtocol.decodeAppendRequest((JsonObject) msg.body());
      store.append(append.room(), append.epoch(), append.messages());
    });
  }

  /** A slow instance: answers from the store after {@code delay}. */
  private void answersAfter(String node, Duration delay) {
    standIn(node, msg -> vertx.setTimer(delay.toMillis(), id -> store
        .state(HistoryProtocol.decodeStateRequest((JsonObject) msg.body()).room())
        .onSuccess(state -> msg.reply(HistoryProtocol.encode(state)))));
  }

  /** An instance whose store is failing. */
  private void failsUnavailable(String node) {
    standIn(node, msg -> msg.fail(BusError.UNAVAILABLE.code(), "the database is down"));
  }

  private void standIn(String node, Consumer<Message<Object>> behaviour) {
    vertx.eventBus().consumer(Addresses.historyNode(node), msg -> {
      standInRequests.add(node);
      behaviour.accept(msg);
    }).completion().await();
  }

  private void awaitStandInRequests(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (standInRequests.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(standInRequests).hasSizeGreaterThanOrEqualTo(count);
  }

  /** The call's result, which must come long before any time-out the client was given. */
  private static <T> T result(Future<T> call) throws Exception {
    return call.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static StoredMessage message(long seq, String clientMsgId) {
    return new StoredMessage(ROOM, seq, "alice", clientMsgId, new JsonObject().put("text", "hi"), 1_700_000_000_000L + seq);
  }
}
