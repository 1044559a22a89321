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

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    history = new InMemoryMessageStore();
    epoch = history.state(ROOM).result().epoch();
    stream = new RoomStream(ROOM, history, vertx, 100, 1000);
    stream.members().add(m -> delivered.add(m.seq()));
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void messagesAreHandedOnInSeqOrderAndEachOnlyOnce() {
    commit(3);
    stream.start(0, epoch);
    stream.accept(msg(1));
    stream.accept(msg(2));
    stream.accept(msg(2));
    stream.accept(msg(1));
    stream.accept(msg(3));
    assertThat(delivered).containsExactly(1L, 2L, 3L);
    assertThat(stream.repairs()).isZero();
  }

  @Test
  void aSkippedSeqIsFetchedFromHistoryBeforeAnythingLaterIsDelivered() {
    commit(5);
    stream.start(0, epoch);
    stream.accept(msg(1));
    stream.accept(msg(4));
    assertThat(delivered).containsExactly(1L, 2L, 3L, 4L);
    stream.accept(msg(3));
    stream.accept(msg(5));
    assertThat(delivered).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(stream.repairs()).isEqualTo(1);
  }

  @Test
  void messagesArrivingBeforeTheSubscriptionIsConfirmedAreKeptAndOlderOnesDropped() {
    commit(4);
    stream.accept(msg(2));
    stream.accept(msg(3));
    stream.start(2, epoch);
    stream.accept(msg(4));
    assertThat(delivered).containsExactly(3L, 4L);
  }

  @Test
  void aTopReportedAfterAShardMoveIsRepairedUpTo() {
    commit(250);
    stream.start(0, epoch);
    stream.accept(msg(1));
    stream.noteTop(250);
    assertThat(delivered).containsExactlyElementsOf(LongStream.rangeClosed(1, 250).boxed().toList());
    assertThat(stream.lastSeq()).isEqualTo(250);
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
