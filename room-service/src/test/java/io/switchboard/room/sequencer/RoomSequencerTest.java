package io.switchboard.room.sequencer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.ForwardingMessageLog;
import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.MessageLog;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.history.UnprocessableMessageException;
import io.switchboard.common.log.LogLimiter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoomSequencerTest {

  private static final String ROOM = "lobby";
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private Vertx vertx;
  private Context loop;
  private InMemoryMessageStore store;
  private RecordingFanOut fanOut;
  private Runnable detach = () -> { };

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    store = new InMemoryMessageStore();
    fanOut = new RecordingFanOut();
  }

  @AfterEach
  void tearDown() {
    detach.run();
    vertx.close().await();
  }

  @Test
  void concurrentSendsGetConsecutiveSeqsAndAreFannedOutInOrderAfterTheyCommit() throws Exception {
    CommitCheckingStore checking = new CommitCheckingStore(store);
    RoomSequencer room = sequencer(checking, options(8, 1000));
    onLoop(() -> room.subscribe("gw-1/0"));
    List<Long> seqs = onLoop(() -> Future.all(IntStream.range(0, 100)
        .mapToObj(i -> room.send("alice", "m" + i, "hello " + i)).toList())
        .map(all -> all.<Long>list()));

    assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
    assertThat(checking.ackedBeforeCommit.get()).as("acks that arrived before the commit").isZero();
    assertThat(store.state(ROOM).await().top()).isEqualTo(100);
    // The last batch is fanned out just after its acks complete, on the loop thread.
    awaitUntil(() -> fanOut.seqsFor("gw-1/0").size() >= 100);
    assertThat(fanOut.seqsFor("gw-1/0")).containsExactlyElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
  }

  @Test
  void aRetriedClientMsgIdGetsTheFirstSeqWhetherPendingOrCommitted() throws Exception {
    RoomSequencer room = sequencer(store, options(8, 100));
    List<Long> whilePending = onLoop(() -> Future.all(room.send("alice", "same", "x"), room.send("alice", "same", "x"))
        .map(all -> all.<Long>list()));
    long afterCommit = onLoop(() -> room.send("alice", "same", "x"));
    long next = onLoop(() -> room.send("alice", "other", "y"));

    assertThat(whilePending).containsExactly(1L, 1L);
    assertThat(afterCommit).isEqualTo(1L);
    assertThat(next).isEqualTo(2L);
    assertThat(store.state(ROOM).await().top()).isEqualTo(2);
  }

  @Test
  void aNewOwnerWithoutTheDedupeCacheStillReturnsTheOriginalSeq() throws Exception {
    RoomSequencer oldOwner = sequencer(store, options(8, 100));
    long first = onLoop(() -> oldOwner.send("alice", "m1", "x"));
    onLoop(() -> oldOwner.send("alice", "m2", "y"));

    RoomSequencer newOwner = sequencer(store, options(8, 100));
    long retried = onLoop(() -> newOwner.send("alice", "m1", "x"));
    long fresh = onLoop(() -> newOwner.send("alice", "m3", "z"));

    assertThat(retried).isEqualTo(first);
    assertThat(fresh).isEqualTo(3L);
    assertThat(store.after(ROOM, 0, 10).await().messages()).extracting(StoredMessage::clientMsgId)
        .containsExactly("m1", "m2", "m3");
  }

  @Test
  void twoOwnersOfOneRoomAreFencedByTheStoreAndTheRoomStaysGapFree() throws Exception {
    RoomSequencer a = sequencer(store, options(4, 1000));
    RoomSequencer b = sequencer(store, options(4, 1000));
    List<Long> acks = onLoop(() -> Future.all(IntStream.range(0, 60)
        .mapToObj(i -> (i % 2 == 0 ? a : b).send(i % 2 == 0 ? "ann" : "bob", "m" + i, i)).toList())
        .map(all -> all.<Long>list()));

    List<StoredMessage> stored = store.after(ROOM, 0, 100).await().messages();
    assertThat(stored).extracting(StoredMessage::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, 60).boxed().toList());
    assertThat(acks).doesNotHaveDuplicates();
    for (int i = 0; i < 60; i++) {
      StoredMessage m = stored.get((int) (acks.get(i) - 1));
      assertThat(m.clientMsgId()).as("the ack of m%d names its stored message", i).isEqualTo("m" + i);
    }
  }

  @Test
  void anAppendWhoseOutcomeIsUnknownIsRetriedWithoutGapOrDuplicate() throws Exception {
    LosesFirstReplyStore lossy = new LosesFirstReplyStore(store);
    RoomSequencer room = sequencer(lossy, options(16, 100));
    onLoop(() -> room.subscribe("gw-1/0"));
    onLoop(() -> room.send("alice", "before", 0));
    List<Long> seqs = onLoop(() -> {
      lossy.loseNextReply = true;
      return Future.all(room.send("alice", "a", 1), room.send("alice", "b", 2)).map(all -> all.<Long>list());
    });
    long after = onLoop(() -> room.send("alice", "c", 3));

    assertThat(seqs).containsExactly(2L, 3L);
    assertThat(after).isEqualTo(4L);
    assertThat(store.after(ROOM, 0, 10).await().messages()).extracting(StoredMessage::clientMsgId)
        .containsExactly("before", "a", "b", "c");
    awaitUntil(() -> fanOut.seqsFor("gw-1/0").size() == 4);
    assertThat(fanOut.seqsFor("gw-1/0")).as("the committed-but-unacknowledged batch is still fanned out")
        .containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aBatchHoldingOneMessageTheStoreRefusesCommitsTheOthersGapFreeAndFailsOnlyThatOne() throws Exception {
    RefusingStore refusing = new RefusingStore(store, "poison",
        batch -> Future.failedFuture(BusError.UNPROCESSABLE.exception("history cannot store it")));
    RoomSequencer room = sequencer(refusing, options(16, 100));
    onLoop(() -> room.subscribe("gw-1/0"));
    onLoop(() -> room.send("alice", "before", 0));

    List<Future<Long>> sends = sendInOneTurn(room, "m0", "m1", "m2", "poison", "m4", "m5", "m6", "m7", "m8", "m9");
    long next = onLoop(() -> room.send("alice", "after", 11));

    assertThat(BusError.of(sends.get(3).cause())).isEqualTo(BusError.UNPROCESSABLE);
    assertThat(sends.stream().filter(Future::succeeded).map(Future::result))
        .as("the others commit in their order, gap-free").containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(next).as("the next send to the room").isEqualTo(11L);
    assertThat(store.after(ROOM, 0, 20).await().messages()).extracting(StoredMessage::clientMsgId)
        .containsExactly("before", "m0", "m1", "m2", "m4", "m5", "m6", "m7", "m8", "m9", "after");
    awaitUntil(() -> fanOut.seqsFor("gw-1/0").size() >= 11);
    assertThat(fanOut.seqsFor("gw-1/0")).containsExactlyElementsOf(LongStream.rangeClosed(1, 11).boxed().toList());
    assertThat(refusing.appendsWith("poison")).as("appends holding the poison: the batch, then halves down to it alone")
        .isLessThanOrEqualTo(5);
  }

  @Test
  void everyMessageTheStoreRefusesFailsAloneWhateverItsPlaceInTheBatch() throws Exception {
    RefusingStore refusing = new RefusingStore(store, "poison",
        batch -> Future.failedFuture(new UnprocessableMessageException("NUL in an id")));
    RoomSequencer room = sequencer(refusing, options(64, 100));
    String[] ids = IntStream.range(0, 37).mapToObj(i -> i == 0 || i == 17 || i == 36 ? "poison-" + i : "m" + i)
        .toArray(String[]::new);

    List<Future<Long>> sends = sendInOneTurn(room, ids);

    for (int i = 0; i < ids.length; i++) {
      if (ids[i].startsWith("poison")) {
        assertThat(BusError.of(sends.get(i).cause())).as(ids[i]).isEqualTo(BusError.UNPROCESSABLE);
      }
    }
    assertThat(sends.stream().filter(Future::succeeded).map(Future::result))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 34).boxed().toList());
    assertThat(store.after(ROOM, 0, 50).await().messages()).extracting(StoredMessage::clientMsgId)
        .containsExactlyElementsOf(Arrays.stream(ids).filter(id -> !id.startsWith("poison")).toList());
  }

  @Test
  void aRequestThatCannotBeEncodedFailsOnlyItsMessage() throws Exception {
    // A clustered event bus encodes the request inside request(): a body nested deeper than the
    // codec allows throws there, as this store does.
    RefusingStore encoding = new RefusingStore(store, "deep", batch -> {
      throw new EncodeException("Document nesting depth (1001) exceeds the maximum allowed (1000)");
    });
    RoomSequencer room = sequencer(encoding, options(8, 100));

    List<Future<Long>> sends = sendInOneTurn(room, "m0", "deep", "m2");

    assertThat(sends.get(0).result()).isEqualTo(1L);
    assertThat(BusError.of(sends.get(1).cause())).isEqualTo(BusError.UNPROCESSABLE);
    assertThat(sends.get(2).result()).isEqualTo(2L);
  }

  @Test
  void aStoreCallThatThrowsForOneMessageFailsOnlyThatMessageAndTheRoomGoesOn() throws Exception {
    RefusingStore throwing = new RefusingStore(store, "boom", batch -> {
      throw new IllegalStateException("boom");
    });
    RoomSequencer room = sequencer(throwing, options(8, 100));

    List<Future<Long>> sends = sendInOneTurn(room, "m0", "boom", "m2", "m3");
    long next = onLoop(() -> room.send("alice", "m4", 4));

    assertThat(BusError.of(sends.get(1).cause())).isEqualTo(BusError.UNPROCESSABLE);
    assertThat(List.of(sends.get(0).result(), sends.get(2).result(), sends.get(3).result())).containsExactly(1L, 2L, 3L);
    assertThat(next).isEqualTo(4L);
  }

  @Test
  void aRefusedMessageIsLoggedOnceAtWarnWithoutAStackTrace() throws Exception {
    RefusingStore refusing = new RefusingStore(store, "poison",
        batch -> Future.failedFuture(BusError.UNPROCESSABLE.exception("history cannot store it")));
    RoomSequencer room = sequencer(refusing, options(64, 100));
    ListAppender<ILoggingEvent> logged = captureLog();

    sendInOneTurn(room, IntStream.range(0, 40).mapToObj(i -> i == 25 ? "poison" : "m" + i).toArray(String[]::new));

    assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .singleElement()
        .satisfies(e -> assertThat(e.getLevel()).isEqualTo(Level.WARN))
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains("unprocessable"))
        .satisfies(e -> assertThat(e.getThrowableProxy()).as("stack trace").isNull());
  }

  @Test
  void anOutageThatOutlastsTheDeadlineFailsQueuedSendsAsUnavailableAndTheRoomServesTheNextSendOnceTheStoreIsBack()
      throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    OutageStore outage = new OutageStore(store);
    RoomSequencer room = sequencer(outage, options(8, 100), now::get);
    outage.down = true;
    List<Future<Long>> sends = sendInOneTurnWithoutWaiting(room, "m1", "m2");
    awaitUntil(() -> outage.failedAppends.get() >= 3);
    assertThat(sends).as("retried, not failed, before the deadline").noneMatch(Future::isComplete);

    now.addAndGet(DEADLINE.toMillis());
    awaitUntil(() -> sends.stream().allMatch(Future::isComplete));
    outage.down = false;
    long next = onLoop(() -> room.send("alice", "m3", 3));
    long retried = onLoop(() -> room.send("alice", "m1", 1));

    assertThat(sends).allSatisfy(f -> assertThat(BusError.of(f.cause())).isEqualTo(BusError.UNAVAILABLE));
    assertThat(next).as("nothing of the expired sends was written").isEqualTo(1L);
    assertThat(retried).as("the client's retry of an expired send").isEqualTo(2L);
  }

  @Test
  void anExpiredSendWhoseAppendDidCommitGetsItsOriginalSeqWhenTheClientRetries() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    LosesFirstReplyStore lossy = new LosesFirstReplyStore(store);
    RoomSequencer room = sequencer(lossy, options(8, 100), now::get);
    lossy.loseEveryReply = true;
    Future<Long> send = sendInOneTurnWithoutWaiting(room, "m1").get(0);
    awaitUntil(() -> lossy.lostReplies.get() >= 3);

    now.addAndGet(DEADLINE.toMillis());
    awaitUntil(send::isComplete);
    lossy.loseEveryReply = false;
    long retried = onLoop(() -> room.send("alice", "m1", 1));

    assertThat(BusError.of(send.cause())).isEqualTo(BusError.UNAVAILABLE);
    assertThat(retried).isEqualTo(1L);
    assertThat(store.after(ROOM, 0, 10).await().messages()).extracting(StoredMessage::clientMsgId).containsExactly("m1");
  }

  @Test
  void sendsBeyondTheQueueLimitAreRefusedAsOverloaded() throws Exception {
    HeldAppends hanging = new HeldAppends(store);
    RoomSequencer room = sequencer(hanging, new SequencerOptions(1, 2, 100, Duration.ofMillis(10),
        Duration.ofMillis(100), Duration.ofMinutes(1), DEADLINE));
    Throwable refused = onLoop(() -> {
      room.send("u", "in-flight", 0);
      room.send("u", "queued-1", 1);
      room.send("u", "queued-2", 2);
      return room.send("u", "one-too-many", 3).map(seq -> (Throwable) null).otherwise(e -> e);
    });
    assertThat(BusError.of(refused)).isEqualTo(BusError.OVERLOADED);
  }

  @Test
  void aShardMoveRefusesQueuedSendsWithNotOwnerButAcknowledgesTheBatchInFlight() throws Exception {
    HeldAppends hanging = new HeldAppends(store);
    RoomSequencer room = sequencer(hanging, options(1, 10));
    List<Future<Long>> sends = new ArrayList<>();
    List<Future<Void>> closed = new ArrayList<>();
    onLoop(() -> {
      sends.add(room.send("u", "in-flight", 0));
      sends.add(room.send("u", "queued", 1));
      closed.add(room.close());
      return Future.succeededFuture();
    });
    assertThat(closed.get(0).isComplete()).as("settled while a batch is being committed").isFalse();
    onLoop(() -> {
      hanging.release();
      return Future.succeededFuture();
    });
    awaitUntil(() -> sends.get(0).isComplete() && sends.get(1).isComplete() && closed.get(0).isComplete());
    assertThat(closed.get(0).succeeded()).as("settled once the batch in flight was answered").isTrue();
    assertThat(sends.get(0).result()).isEqualTo(1L);
    assertThat(BusError.of(sends.get(1).cause())).isEqualTo(BusError.NOT_OWNER);
    assertThatThrownBy(() -> onLoop(() -> room.send("u", "late", 2)))
        .hasCauseInstanceOf(ReplyException.class);
  }

  // --- helpers -------------------------------------------------------------------------------

  private RoomSequencer sequencer(MessageLog s, SequencerOptions o) {
    return sequencer(s, o, System::currentTimeMillis);
  }

  private RoomSequencer sequencer(MessageLog s, SequencerOptions o, LongSupplier clock) {
    return new RoomSequencer(ROOM, s, fanOut, o, vertx, clock, LogLimiter.perMinute(10));
  }

  private static SequencerOptions options(int maxBatch, int maxPending) {
    return new SequencerOptions(maxBatch, maxPending, 1000, Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofMinutes(1),
        DEADLINE);
  }

  /** Sends messages from alice in one turn of the loop, so they share a batch, and waits until all are settled. */
  private List<Future<Long>> sendInOneTurn(RoomSequencer room, String... clientMsgIds) throws Exception {
    List<Future<Long>> sends = sendInOneTurnWithoutWaiting(room, clientMsgIds);
    awaitUntil(() -> sends.stream().allMatch(Future::isComplete));
    return sends;
  }

  private List<Future<Long>> sendInOneTurnWithoutWaiting(RoomSequencer room, String... clientMsgIds) throws Exception {
    return onLoop(() -> Future.succeededFuture(Arrays.stream(clientMsgIds)
        .map(id -> room.send("alice", id, new JsonObject().put("text", id))).toList()));
  }

  private ListAppender<ILoggingEvent> captureLog() {
    Logger logger = (Logger) LoggerFactory.getLogger(RoomSequencer.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    detach = () -> logger.detachAppender(appender);
    return appender;
  }

  /** Runs {@code action} on the sequencer's event loop and waits for its future. */
  private <T> T onLoop(Supplier<Future<T>> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.runOnContext(v -> action.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    return result.get(10, TimeUnit.SECONDS);
  }

  private static void awaitUntil(Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5000;
    while (!condition.get() && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.get()).as("condition reached in time").isTrue();
  }

  private static final class RecordingFanOut implements FanOut {
    final List<String[]> deliveries = new CopyOnWriteArrayList<>();
    final List<Object[]> events = new CopyOnWriteArrayList<>();

    @Override
    public void deliver(Collection<String> subscribers, String room, String epoch, List<StoredMessage> messages) {
      events.add(new Object[] {List.copyOf(subscribers), List.copyOf(messages)});
    }

    @SuppressWarnings("unchecked")
    List<Long> seqsFor(String subscriber) {
      List<Long> out = new ArrayList<>();
      for (Object[] e : events) {
        if (((List<String>) e[0]).contains(subscriber)) {
          ((List<StoredMessage>) e[1]).forEach(m -> out.add(m.seq()));
        }
      }
      return out;
    }
  }

  /** Delegates to a real store and counts acks that would precede their commit. */
  private final class CommitCheckingStore extends ForwardingMessageLog {
    final AtomicInteger ackedBeforeCommit = new AtomicInteger();

    CommitCheckingStore(MessageLog delegate) {
      super(delegate);
    }


    @Override
    public Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
      long topBefore = delegate.state(room).result().top();
      // Commit asynchronously, on a later turn of the loop, to widen any ack-before-commit window.
      Promise<AppendResult> p = Promise.promise();
      vertx.setTimer(1, id -> delegate.append(room, epoch, batch).onComplete(p));
      return p.future().onSuccess(r -> {
        if (delegate.state(room).result().top() < topBefore + batch.size() && r instanceof AppendResult.Appended) {
          ackedBeforeCommit.incrementAndGet();
        }
      });
    }

  }

  /** Commits appends but reports a time-out for the next one (or all), as a lost reply on the bus would. */
  private static final class LosesFirstReplyStore extends ForwardingMessageLog {
    volatile boolean loseNextReply;
    volatile boolean loseEveryReply;
    final AtomicInteger lostReplies = new AtomicInteger();

    LosesFirstReplyStore(MessageLog delegate) {
      super(delegate);
    }

    @Override
    public Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
      Future<AppendResult> real = delegate.append(room, epoch, batch);
      if (loseNextReply || loseEveryReply) {
        loseNextReply = false;
        lostReplies.incrementAndGet();
        return real.compose(r -> Future.failedFuture(new ReplyException(ReplyFailure.TIMEOUT, "lost")));
      }
      return real;
    }
  }

  /**
   * Refuses, in the given way, every append holding a message whose clientMsgId starts with the
   * given prefix. Appends the others on a later turn of the loop, so that sends queue up meanwhile
   * and the next append is a batch.
   */
  private final class RefusingStore extends ForwardingMessageLog {
    final String poison;
    final Function<List<StoredMessage>, Future<AppendResult>> refusal;
    final List<List<String>> refused = new CopyOnWriteArrayList<>();

    RefusingStore(MessageLog delegate, String poison, Function<List<StoredMessage>, Future<AppendResult>> refusal) {
      super(delegate);
      this.poison = poison;
      this.refusal = refusal;
    }

    long appendsWith(String clientMsgId) {
      return refused.stream().filter(ids -> ids.contains(clientMsgId)).count();
    }

    @Override
    public Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
      if (batch.stream().anyMatch(m -> m.clientMsgId().startsWith(poison))) {
        refused.add(batch.stream().map(StoredMessage::clientMsgId).toList());
        return refusal.apply(batch);
      }
      Promise<AppendResult> appended = Promise.promise();
      vertx.runOnContext(v -> delegate.append(room, epoch, batch).onComplete(appended));
      return appended.future();
    }
  }

  /** While down, fails every append as a lost request would: nothing written, outcome unknown. */
  private static final class OutageStore extends ForwardingMessageLog {
    volatile boolean down;
    final AtomicInteger failedAppends = new AtomicInteger();

    OutageStore(MessageLog delegate) {
      super(delegate);
    }

    @Override
    public Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
      if (down) {
        failedAppends.incrementAndGet();
        return Future.failedFuture(new ReplyException(ReplyFailure.TIMEOUT, "timed out"));
      }
      return delegate.append(room, epoch, batch);
    }
  }
}
