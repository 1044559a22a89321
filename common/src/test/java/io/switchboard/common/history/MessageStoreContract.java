package io.switchboard.common.history;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules every {@link MessageStore} keeps. Each implementation gets a subclass that supplies a
 * fresh store; the same assertions then hold for all of them.
 */
public abstract class MessageStoreContract {

  protected MessageStore store;
  private String room;

  protected abstract MessageStore newStore() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    store = newStore();
    room = "contract-" + UUID.randomUUID();
  }

  @Test
  void aNewRoomIsEmptyAndKeepsItsEpoch() {
    RoomState first = store.state(room).await();
    assertThat(first.top()).isZero();
    assertThat(first.epoch()).isNotBlank();
    assertThat(store.state(room).await().epoch()).isEqualTo(first.epoch());
  }

  @Test
  void anAppendedBatchIsReadBackInSeqOrder() {
    String epoch = store.state(room).await().epoch();
    AppendResult result = store.append(room, epoch, batch(1, "alice", "a", "b", "c")).await();
    assertThat(result).isEqualTo(new AppendResult.Appended(3, epoch));
    HistoryPage page = store.after(room, 0, 10).await();
    assertThat(page.messages()).extracting(StoredMessage::seq).containsExactly(1L, 2L, 3L);
    assertThat(page.messages()).extracting(StoredMessage::clientMsgId).containsExactly("a", "b", "c");
    assertThat(page.top()).isEqualTo(3);
  }

  @Test
  void pagesStartAfterTheGivenSeqAndRespectTheLimit() {
    String epoch = store.state(room).await().epoch();
    store.append(room, epoch, batch(1, "u", ids(10))).await();
    assertThat(store.after(room, 4, 3).await().messages()).extracting(StoredMessage::seq).containsExactly(5L, 6L, 7L);
    assertThat(store.after(room, 9, 100).await().messages()).extracting(StoredMessage::seq).containsExactly(10L);
    assertThat(store.after(room, 10, 100).await().messages()).isEmpty();
  }

  @Test
  void aBatchThatDoesNotContinueTheRoomIsFencedAndWritesNothing() {
    String epoch = store.state(room).await().epoch();
    store.append(room, epoch, batch(1, "u", "a", "b")).await();

    AppendResult stale = store.append(room, epoch, batch(2, "u", "x")).await();
    assertThat(stale).isEqualTo(new AppendResult.Conflict(2, epoch));
    AppendResult gap = store.append(room, epoch, batch(4, "u", "y")).await();
    assertThat(gap).isEqualTo(new AppendResult.Conflict(2, epoch));
    AppendResult otherLineage = store.append(room, "not-" + epoch, batch(3, "u", "z")).await();
    assertThat(otherLineage).isInstanceOf(AppendResult.Conflict.class);

    assertThat(store.after(room, 0, 10).await().messages()).extracting(StoredMessage::clientMsgId)
        .containsExactly("a", "b");
  }

  @Test
  void ofTwoOwnersWritingTheSameSeqOnlyTheFirstWins() {
    String epoch = store.state(room).await().epoch();
    AppendResult first = store.append(room, epoch, batch(1, "old-owner", "m1")).await();
    AppendResult second = store.append(room, epoch, batch(1, "new-owner", "m2")).await();
    assertThat(first).isInstanceOf(AppendResult.Appended.class);
    assertThat(second).isEqualTo(new AppendResult.Conflict(1, epoch));
    assertThat(store.after(room, 0, 10).await().messages()).extracting(StoredMessage::sender).containsExactly("old-owner");
  }

  @Test
  void aRepeatedDedupeKeyReportsTheExistingSeqAndWritesNothing() {
    String epoch = store.state(room).await().epoch();
    store.append(room, epoch, batch(1, "alice", "a", "b")).await();

    AppendResult result = store.append(room, epoch, List.of(
        msg(3, "alice", "new"), msg(4, "alice", "b"))).await();
    assertThat(result).isEqualTo(new AppendResult.Duplicates(Map.of(1, 2L), 2, epoch));
    assertThat(store.state(room).await().top()).isEqualTo(2);
  }

  @Test
  void theSameClientMsgIdFromTwoSendersIsTwoMessages() {
    String epoch = store.state(room).await().epoch();
    store.append(room, epoch, List.of(msg(1, "alice", "same"), msg(2, "bob", "same"))).await();
    assertThat(store.state(room).await().top()).isEqualTo(2);
  }

  @Test
  void roomsAreIndependent() {
    String other = room + "-other";
    String epoch = store.state(room).await().epoch();
    String otherEpoch = store.state(other).await().epoch();
    store.append(room, epoch, batch(1, "u", "a", "b")).await();
    store.append(other, otherEpoch, List.of(msg(other, 1, "u", "a"))).await();
    assertThat(store.state(room).await().top()).isEqualTo(2);
    assertThat(store.state(other).await().top()).isEqualTo(1);
  }

  private List<StoredMessage> batch(long firstSeq, String sender, String... clientMsgIds) {
    List<StoredMessage> out = new ArrayList<>();
    for (int i = 0; i < clientMsgIds.length; i++) {
      out.add(msg(firstSeq + i, sender, clientMsgIds[i]));
    }
    return out;
  }

  private StoredMessage msg(long seq, String sender, String clientMsgId) {
    return msg(room, seq, sender, clientMsgId);
  }

  private static StoredMessage msg(String room, long seq, String sender, String clientMsgId) {
    return new StoredMessage(room, seq, sender, clientMsgId, "body of " + clientMsgId, 1_700_000_000_000L + seq);
  }

  private static String[] ids(int n) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = "id-" + i;
    }
    return out;
  }
}
