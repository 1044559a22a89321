package io.switchboard.gateway.ws;

import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.HistoryReader;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.protocol.Frames;
import io.switchboard.gateway.auth.RoomAction;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recovery hand-off, driven directly: a membership over a fake history and a recording
 * output. Whatever interleaving of replayed pages and live messages, the client sees each seq once,
 * in order, and a {@code recovered} marker that tells the truth about what it got.
 */
class RoomMembershipTest {

  private static final String ROOM = "public:r";
  private static final String EPOCH = "e1";

  private final FakeHistory history = new FakeHistory();
  private final RecordingOutput out = new RecordingOutput();

  private RoomMembership membership(int pageSize, int maxHeld) {
    return new RoomMembership(out, ROOM, "alice", Set.of(RoomAction.JOIN, RoomAction.SEND), history, pageSize, maxHeld);
  }

  private RoomMembership membership() {
    return membership(10, 100);
  }

  /** Commits {@code seq} to history and hands it to the membership as the room's stream would. */
  private void live(RoomMembership m, long seq) {
    StoredMessage msg = history.commit(seq);
    m.onMessage(msg, Frames.message(msg).encode());
  }

  @Test
  void aJoinWithoutSinceIsAnsweredAtTheTopAndThenGetsEachLaterMessageOnceInOrder() {
    history.commitUpTo(5);
    RoomMembership m = membership();
    m.start("j1", 5, EPOCH, null);
    live(m, 6);
    m.onMessage(history.get(6), Frames.message(history.get(6)).encode()); // a duplicate from the stream
    live(m, 7);

    assertThat(out.frames.get(0)).isEqualTo(Frames.joined("j1", ROOM, 5, EPOCH, null));
    assertThat(out.seqs("message")).containsExactly(6L, 7L);
    assertThat(out.pushed).isEqualTo(2);
    assertThat(m.started().succeeded()).isTrue();
  }

  @Test
  void messagesHandedOverBeforeTheJoinResolvesAreHeldAndOnlyThoseAboveTheTopAreDelivered() {
    history.commitUpTo(4);
    RoomMembership m = membership();
    live(m, 5);
    live(m, 6);
    m.start("j1", 5, EPOCH, null);

    assertThat(out.types()).containsExactly("joined", "message");
    assertThat(out.seqs("message")).containsExactly(6L);
  }

  @Test
  void aJoinSinceAPositionReplaysWhatWasMissedAcrossPagesThenMarksRecoveredThenGoesLive() {
    history.commitUpTo(25);
    RoomMembership m = membership(10, 100);
    m.start("j1", 25, EPOCH, new ClientFrame.Since(3, EPOCH));
    live(m, 26);

    assertThat(out.frames.get(0)).isEqualTo(Frames.joined("j1", ROOM, 25, EPOCH, true));
    assertThat(out.seqs("message")).containsExactlyElementsOf(range(4, 26));
    assertThat(out.only("recovered")).isEqualTo(Frames.recovered(ROOM, 25, EPOCH, true, List.of()));
    assertThat(out.types().indexOf("recovered")).isEqualTo(out.types().size() - 2);
    assertThat(history.reads).isEqualTo(3);
  }

  @Test
  void liveMessagesThatArriveDuringTheReplayFollowItWithoutGapOrDuplicate() {
    history.commitUpTo(20);
    history.holdReads = true;
    RoomMembership m = membership(50, 100);
    m.start("j1", 20, EPOCH, new ClientFrame.Since(10, EPOCH));
    // While the read is out: 21 and 22 are committed and arrive live.
    live(m, 21);
    live(m, 22);
    history.releaseAll();
    live(m, 23);

    assertThat(out.seqs("message")).containsExactlyElementsOf(range(11, 23));
    assertThat(out.only("recovered").getLong("seq")).isEqualTo(22);
    assertThat(out.only("recovered").getBoolean("recovered")).isTrue();
    assertThat(out.types().get(out.types().size() - 1)).isEqualTo("message");
  }

  @Test
  void messagesCommittedAfterTheReadButBeforeTheFirstHeldOneAreReadAgain() {
    history.commitUpTo(20);
    history.holdReads = true;
    RoomMembership m = membership(50, 100);
    m.start("j1", 20, EPOCH, new ClientFrame.Since(15, EPOCH)); // the read sees the top at 20
    // Before its answer arrives, 21 and 22 are committed (not handed to this membership) and 23 arrives live.
    history.commit(21);
    history.commit(22);
    live(m, 23);
    history.holdReads = false;
    history.releaseAll();

    assertThat(out.seqs("message")).containsExactlyElementsOf(range(16, 23));
    assertThat(out.only("recovered").getLong("seq")).isEqualTo(23);
  }

  @Test
  void messagesNoLongerRetainedAreReportedAsMissingAndTheRestIsReplayed() {
    history.commitUpTo(30);
    history.firstSeq = 11; // retention removed 1..10
    RoomMembership m = membership();
    m.start("j1", 30, EPOCH, new ClientFrame.Since(3, EPOCH));

    assertThat(out.seqs("message")).containsExactlyElementsOf(range(11, 30));
    assertThat(out.only("recovered"))
        .isEqualTo(Frames.recovered(ROOM, 30, EPOCH, false, List.of(new long[] {4, 10})));
  }

  @Test
  void aSinceFromAnotherLineageIsAnsweredAsNotRecoveredAndGoesLiveFromTheTop() {
    history.commitUpTo(8);
    RoomMembership m = membership();
    m.start("j1", 8, EPOCH, new ClientFrame.Since(100, "older-epoch"));
    live(m, 9);

    assertThat(out.frames.get(0)).isEqualTo(Frames.joined("j1", ROOM, 8, EPOCH, false));
    assertThat(out.frames.get(1)).isEqualTo(Frames.recovered(ROOM, 8, EPOCH, false, List.of()));
    assertThat(out.seqs("message")).containsExactly(9L);
    assertThat(history.reads).isZero();
  }

  @Test
  void aLineageChangeWhileLiveRestartsSeqsAndSaysNothingWasRecovered() {
    history.commitUpTo(8);
    RoomMembership m = membership();
    m.start("j1", 8, EPOCH, null);
    m.onLineageChange("e2");
    StoredMessage first = new StoredMessage(ROOM, 1, "bob", "c1", "hi", 0);
    m.onMessage(first, Frames.message(first).encode());

    assertThat(out.only("recovered")).isEqualTo(Frames.recovered(ROOM, 0, "e2", false, List.of()));
    assertThat(out.seqs("message")).containsExactly(1L);
  }

  @Test
  void aLineageChangeDuringRecoveryDropsTheHeldMessagesOfTheOldLineage() {
    history.commitUpTo(20);
    history.holdReads = true;
    RoomMembership m = membership();
    m.start("j1", 20, EPOCH, new ClientFrame.Since(10, EPOCH));
    live(m, 21);
    history.messages.clear(); // the room's history is lost and a new lineage begins
    m.onLineageChange("e2");
    history.releaseAll(); // the old lineage's page arrives late: it must not be replayed after the marker
    StoredMessage first = history.commit(1);
    m.onMessage(first, Frames.message(first).encode());

    List<String> types = out.types();
    int marker = types.indexOf("recovered");
    assertThat(out.frames.get(marker)).isEqualTo(Frames.recovered(ROOM, 0, "e2", false, List.of()));
    assertThat(out.frames.subList(marker + 1, out.frames.size()))
        .extracting(f -> f.getLong("seq")).containsExactly(1L);
  }

  @Test
  void aReplayWaitingForBufferRoomIsAbandonedByALineageChange() {
    history.commitUpTo(30);
    out.writable = false;
    RoomMembership m = membership(10, 100);
    m.start("j1", 30, EPOCH, new ClientFrame.Since(0, EPOCH));
    history.messages.clear();
    m.onLineageChange("e2");
    out.writable = true;
    out.drain();
    StoredMessage first = history.commit(1);
    m.onMessage(first, Frames.message(first).encode());

    assertThat(out.seqs("message")).containsExactlyElementsOf(
        java.util.stream.Stream.concat(range(1, 10).stream(), java.util.stream.Stream.of(1L)).toList());
    assertThat(out.only("recovered")).isEqualTo(Frames.recovered(ROOM, 0, "e2", false, List.of()));
    assertThat(history.reads).isEqualTo(1);
  }

  @Test
  void aHistoryFailureWhileRecoveringEndsTheMembershipWithAnUnavailableErrorAndDeliversNothingMore() {
    history.commitUpTo(20);
    history.failReads = true;
    RoomMembership m = membership();
    m.start("j1", 20, EPOCH, new ClientFrame.Since(10, EPOCH));
    live(m, 21);

    assertThat(out.endedRoom).isEqualTo(ROOM);
    assertThat(out.endedWith.getString("code")).isEqualTo("unavailable");
    assertThat(out.endedWith.getString("room")).isEqualTo(ROOM);
    assertThat(out.endedWith.getBoolean("temporary")).isTrue();
    assertThat(out.seqs("message")).isEmpty();
    assertThat(out.types()).doesNotContain("recovered");
  }

  @Test
  void aSinceAboveTheRoomsTopIsAnsweredAsNotRecoveredAtTheTop() {
    history.commitUpTo(20);
    RoomMembership m = membership();
    m.start("j1", 20, EPOCH, new ClientFrame.Since(50, EPOCH));
    live(m, 21);

    assertThat(out.only("recovered")).isEqualTo(Frames.recovered(ROOM, 20, EPOCH, false, List.of()));
    assertThat(out.seqs("message")).containsExactly(21L);
  }

  @Test
  void liveMessagesPastTheHoldLimitAreDroppedAndReadFromHistoryInstead() {
    history.commitUpTo(10);
    history.holdReads = true;
    RoomMembership m = membership(100, 2);
    m.start("j1", 10, EPOCH, new ClientFrame.Since(5, EPOCH));
    for (long seq = 11; seq <= 15; seq++) {
      live(m, seq);
    }
    history.holdReads = false;
    history.releaseAll();
    live(m, 16);

    assertThat(out.seqs("message")).containsExactlyElementsOf(range(6, 16));
    assertThat(history.reads).isGreaterThanOrEqualTo(2);
  }

  @Test
  void theNextPageWaitsUntilTheClientsOutboundBufferHasRoom() {
    history.commitUpTo(30);
    out.writable = false;
    RoomMembership m = membership(10, 100);
    m.start("j1", 30, EPOCH, new ClientFrame.Since(0, EPOCH));

    assertThat(out.seqs("message")).containsExactlyElementsOf(range(1, 10));
    assertThat(history.reads).isEqualTo(1);
    out.drain();
    assertThat(out.seqs("message")).containsExactlyElementsOf(range(1, 20));
    out.writable = true;
    out.drain();
    assertThat(out.seqs("message")).containsExactlyElementsOf(range(1, 30));
    assertThat(out.types()).endsWith("recovered");
  }

  @Test
  void aSecondJoinIsAnsweredWithThePositionOnceTheFirstResolvedIt() {
    history.commitUpTo(5);
    RoomMembership m = membership();
    Future<JsonObject> early = m.rejoined("j2");
    assertThat(early.isComplete()).isFalse();
    m.start("j1", 5, EPOCH, null);
    live(m, 6);

    assertThat(early.result()).isEqualTo(Frames.joined("j2", ROOM, 5, EPOCH, null));
    assertThat(m.rejoined("j3").result()).isEqualTo(Frames.joined("j3", ROOM, 6, EPOCH, null));
    assertThat(out.seqs("message")).containsExactly(6L);
  }

  @Test
  void aClosedMembershipDeliversNothingAndFailsAPendingSecondJoin() {
    history.commitUpTo(5);
    RoomMembership m = membership();
    Future<JsonObject> again = m.rejoined("j2");
    m.close();
    m.start("j1", 5, EPOCH, null);
    live(m, 6);

    assertThat(again.failed()).isTrue();
    assertThat(again.cause()).isInstanceOf(ProtocolException.class);
    assertThat(out.seqs("message")).isEmpty();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  /** One room's history: committed messages, a retention floor, and reads that can be held or failed. */
  private static final class FakeHistory implements HistoryReader {
    final TreeMap<Long, StoredMessage> messages = new TreeMap<>();
    final Queue<Runnable> held = new ArrayDeque<>();
    long firstSeq = 1;
    boolean holdReads;
    boolean failReads;
    int reads;

    StoredMessage commit(long seq) {
      return messages.computeIfAbsent(seq, s -> new StoredMessage(ROOM, s, "bob", "c" + s, "m" + s, s));
    }

    void commitUpTo(long top) {
      for (long seq = 1; seq <= top; seq++) {
        commit(seq);
      }
    }

    StoredMessage get(long seq) {
      return messages.get(seq);
    }

    /** Delivers the answers of the held reads (each is what was committed when it was read). */
    void releaseAll() {
      while (!held.isEmpty()) {
        held.poll().run();
      }
    }

    @Override
    public Future<HistoryPage> after(String room, long afterSeq, int limit) {
      reads++;
      if (failReads) {
        return Future.failedFuture(new IllegalStateException("history down"));
      }
      if (!holdReads) {
        return Future.succeededFuture(page(afterSeq, limit));
      }
      Promise<HistoryPage> answer = Promise.promise();
      HistoryPage read = page(afterSeq, limit);
      held.add(() -> answer.complete(read));
      return answer.future();
    }

    private HistoryPage page(long afterSeq, int limit) {
      long top = messages.isEmpty() ? 0 : messages.lastKey();
      List<StoredMessage> page = messages.tailMap(Math.max(afterSeq + 1, firstSeq)).values().stream()
          .limit(limit).toList();
      return new HistoryPage(page, top, EPOCH, Math.min(firstSeq, top + 1));
    }

    @Override
    public Future<HistoryPage> before(String room, long beforeSeq, int limit) {
      throw new UnsupportedOperationException("a membership only reads forward");
    }
  }

  /** Records every frame in the order the client would see it; its buffer can be made full. */
  private static final class RecordingOutput implements MembershipOutput {
    final List<JsonObject> frames = new ArrayList<>();
    final Queue<Runnable> waiting = new ArrayDeque<>();
    boolean writable = true;
    int pushed;
    String endedRoom;
    JsonObject endedWith;

    @Override
    public void write(JsonObject frame) {
      frames.add(frame);
    }

    @Override
    public void push(String frame) {
      pushed++;
      frames.add(new JsonObject(frame));
    }

    @Override
    public void whenWritable(Runnable next) {
      if (writable) {
        next.run();
      } else {
        waiting.add(next);
      }
    }

    @Override
    public void ended(String room, JsonObject error) {
      endedRoom = room;
      endedWith = error;
    }

    /** The buffer drained: runs what waited for it (once). */
    void drain() {
      List<Runnable> now = List.copyOf(waiting);
      waiting.clear();
      now.forEach(Runnable::run);
    }

    List<String> types() {
      return frames.stream().map(f -> f.getString("type")).toList();
    }

    List<Long> seqs(String type) {
      return frames.stream().filter(f -> type.equals(f.getString("type"))).map(f -> f.getLong("seq")).toList();
    }

    JsonObject only(String type) {
      List<JsonObject> matching = frames.stream().filter(f -> type.equals(f.getString("type"))).toList();
      assertThat(matching).hasSize(1);
      return matching.get(0);
    }
  }
}
