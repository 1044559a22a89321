package io.switchboard.gateway.room;

import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.StoredMessage;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A gateway's room stream hands on every committed message once, in seq order, repairing holes from history. */
class RoomStreamTest {

  private static final String ROOM = "lobby";

  private Vertx vertx;
  private InMemoryMessageStore history;
  private String epoch;
  private RoomStream stream;
  private final List<Long> delivered = new ArrayList<>();
  private final List<String> lineages = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    history = new InMemoryMessageStore();
    epoch = history.state(ROOM).result().epoch();
    stream = new RoomStream(ROOM, history, vertx, 100, 1000);
    stream.members().add(new RoomStream.Member() {
      @Override
      public void onMessage(StoredMessage m, String frame) {
        assertThat(new io.vertx.core.json.JsonObject(frame).getLong("seq")).isEqualTo(m.seq());
        delivered.add(m.seq());
      }

      @Override
      public void onLineageChange(String newEpoch) {
        lineages.add(newEpoch);
        delivered.clear();
      }
    });
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void messagesAreHandedOnInSeqOrderAndEachOnlyOnce() {
    commit(3);
    stream.start(0, epoch);
    stream.accept(msg(1), epoch);
    stream.accept(msg(2), epoch);
    stream.accept(msg(2), epoch);
    stream.accept(msg(1), epoch);
    stream.accept(msg(3), epoch);
    assertThat(delivered).containsExactly(1L, 2L, 3L);
    assertThat(stream.repairs()).isZero();
  }

  @Test
  void aSkippedSeqIsFetchedFromHistoryBeforeAnythingLaterIsDelivered() {
    commit(5);
    stream.start(0, epoch);
    stream.accept(msg(1), epoch);
    stream.accept(msg(4), epoch);
    assertThat(delivered).containsExactly(1L, 2L, 3L, 4L);
    stream.accept(msg(3), epoch);
    stream.accept(msg(5), epoch);
    assertThat(delivered).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(stream.repairs()).isEqualTo(1);
  }

  @Test
  void messagesArrivingBeforeTheSubscriptionIsConfirmedAreKeptAndOlderOnesDropped() {
    commit(4);
    stream.accept(msg(2), epoch);
    stream.accept(msg(3), epoch);
    stream.start(2, epoch);
    stream.accept(msg(4), epoch);
    assertThat(delivered).containsExactly(3L, 4L);
  }

  @Test
  void aTopReportedAfterAShardMoveIsRepairedUpTo() {
    commit(250);
    stream.start(0, epoch);
    stream.accept(msg(1), epoch);
    stream.noteState(250, epoch);
    assertThat(delivered).containsExactlyElementsOf(LongStream.rangeClosed(1, 250).boxed().toList());
    assertThat(stream.lastSeq()).isEqualTo(250);
  }

  @Test
  void aHoleThatRetentionRemovedIsSkippedRatherThanWaitedFor() {
    commit(10);
    history.applyRetention(new io.switchboard.common.history.RetentionRule("", 4, java.time.Duration.ZERO),
        List.of(), 0).result();
    stream.start(0, epoch);
    stream.accept(msg(10), epoch);
    assertThat(delivered).containsExactly(7L, 8L, 9L, 10L);
  }

  @Test
  void aMessageFromAnotherLineageIsIgnoredUnlessHistoryConfirmsTheChange() {
    commit(2);
    stream.start(2, epoch);
    stream.accept(new StoredMessage(ROOM, 3, "x", "stale", "b", 1L), "some-other-epoch");
    assertThat(delivered).isEmpty();
    assertThat(lineages).as("history still names the old epoch").isEmpty();
    stream.accept(msg(3), epoch);
    assertThat(delivered).containsExactly(3L);
  }

  private void commit(int n) {
    List<StoredMessage> batch = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      batch.add(msg(i));
    }
    history.append(ROOM, epoch, batch).result();
  }

  private static StoredMessage msg(long seq) {
    return new StoredMessage(ROOM, seq, "alice", "m" + seq, "body " + seq, 1L);
  }
}
