package io.switchboard.common.history;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules every {@link MessageStore} keeps. Each implementation gets a subclass that supplies a
 * fresh store; the same assertions then hold for all of them.
 */
public abstract class MessageStoreContract {

  private static final long BASE_TS = 1_700_000_000_000L;

  protected MessageStore store;
  private String room;

  protected abstract MessageStore newStore() throws Exception;

  /**
   * Closes the store and opens it again on the same data, for stores that keep data across
   * restarts; null (the default) for those that do not.
   */
  protected MessageStore reopen() throws Exception {
    return null;
  }

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
    assertThat(page.messages()).as("every field survives the store, bodies of every JSON kind included")
        .containsExactlyElementsOf(batch(1, "alice", "a", "b", "c"));
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
  void aBatchWithANulCharacterInAnIdIsRefusedAsUnprocessableAndWritesNothing() {
    String epoch = store.state(room).await().epoch();
    store.append(room, epoch, batch(1, "alice", "a")).await();

    Future<AppendResult> nulInId = store.append(room, epoch, List.of(msg(2, "alice", "b"), msg(3, "alice", "c\u0000d")));
    Future<AppendResult> nulInSender = store.append(room, epoch, List.of(msg(2, "mal\u0000lory", "b")));

    assertThatThrownBy(nulInId::await).isInstanceOf(UnprocessableMessageException.class);
    assertThatThrownBy(nulInSender::await).isInstanceOf(UnprocessableMessageException.class);
    assertThat(store.after(room, 0, 10).await().messages()).extracting(StoredMessage::clientMsgId).containsExactly("a");
    assertThat(store.append(room, epoch, batch(2, "alice", "b", "c")).await())
        .as("the room takes the next batch at the same seq").isEqualTo(new AppendResult.Appended(3, epoch));
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

  @Test
  void pagesReportTheRoomsTopEpochAndFirstRetainedSeq() {
    HistoryPage empty = store.after(room, 0, 10).await();
    assertThat(empty.top()).isZero();
    assertThat(empty.firstSeq()).isEqualTo(1);
    String epoch = store.state(room).await().epoch();
    store.append(room, epoch, batch(1, "u", ids(4))).await();
    HistoryPage page = store.after(room, 2, 1).await();
    assertThat(page.top()).isEqualTo(4);
    assertThat(page.epoch()).isEqualTo(epoch);
    assertThat(page.firstSeq()).isEqualTo(1);
  }

  @Test
  void beforePagesEndJustBelowTheGivenSeqInAscendingOrder() {
    String epoch = store.state(room).await().epoch();
    store.append(room, epoch, batch(1, "u", ids(10))).await();
    assertThat(store.before(room, 8, 3).await().messages()).extracting(StoredMessage::seq).containsExactly(5L, 6L, 7L);
    assertThat(store.before(room, 3, 10).await().messages()).extracting(StoredMessage::seq).containsExactly(1L, 2L);
    assertThat(store.before(room, Long.MAX_VALUE, 2).await().messages()).extracting(StoredMessage::seq).containsExactly(9L, 10L);
    assertThat(store.before(room, 1, 10).await().messages()).isEmpty();
  }

  @Test
  void retentionByCountKeepsTheNewestMessagesAndNeverTheTopOrEpoch() {
    String kept = room + ":kept";
    String epoch = store.state(kept).await().epoch();
    store.append(kept, epoch, batch(kept, 1, "u", ids(10))).await();

    long removed = store.applyRetention(new RetentionRule(room + ":", 4, Duration.ZERO), List.of(), now()).await();

    assertThat(removed).isEqualTo(6);
    HistoryPage page = store.after(kept, 0, 100).await();
    assertThat(page.messages()).extracting(StoredMessage::seq).containsExactly(7L, 8L, 9L, 10L);
    assertThat(page.firstSeq()).isEqualTo(7);
    assertThat(store.state(kept).await()).isEqualTo(new RoomState(10, epoch));
    assertThat(store.append(kept, epoch, batch(kept, 11, "u", "next")).await())
        .isEqualTo(new AppendResult.Appended(11, epoch));
  }

  @Test
  void retentionByAgeDropsOnlyOlderMessages() {
    String aged = room + ":aged";
    String epoch = store.state(aged).await().epoch();
    store.append(aged, epoch, batch(aged, 1, "u", ids(10))).await();
    // Message n has ts BASE + n; keep those no older than 5 ms at BASE + 11.
    store.applyRetention(new RetentionRule(room + ":", 0, Duration.ofMillis(5)), List.of(), BASE_TS + 11).await();
    assertThat(store.after(aged, 0, 100).await().messages()).extracting(StoredMessage::seq)
        .containsExactly(6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void aRoomFollowsTheRuleWithTheLongestMatchingPrefix() {
    String general = room + ":general";
    String special = room + ":vip:lounge";
    for (String r : List.of(general, special)) {
      store.append(r, store.state(r).await().epoch(), batch(r, 1, "u", ids(10))).await();
    }
    List<String> prefixes = List.of(room + ":", room + ":vip:");
    store.applyRetention(new RetentionRule(room + ":", 2, Duration.ZERO), prefixes, now()).await();
    store.applyRetention(new RetentionRule(room + ":vip:", 5, Duration.ZERO), prefixes, now()).await();
    assertThat(store.after(general, 0, 100).await().messages()).hasSize(2);
    assertThat(store.after(special, 0, 100).await().messages()).hasSize(5);
  }

  @Test
  void aReopenedStoreStillHasEveryMessageInTheSameEpoch() throws Exception {
    String epoch = store.state(room).await().epoch();
    store.append(room, epoch, batch(1, "u", ids(5))).await();
    MessageStore reopened = reopen();
    Assumptions.assumeTrue(reopened != null, "this store does not outlive its process");
    store = reopened;
    assertThat(store.state(room).await()).isEqualTo(new RoomState(5, epoch));
    assertThat(store.after(room, 0, 10).await().messages()).extracting(StoredMessage::clientMsgId)
        .containsExactly(ids(5));
    assertThat(store.append(room, epoch, batch(6, "u", "id-0")).await())
        .as("deduplication survives the restart").isEqualTo(new AppendResult.Duplicates(Map.of(0, 1L), 5, epoch));
  }

  private static long now() {
    return BASE_TS + 1_000;
  }

  private List<StoredMessage> batch(long firstSeq, String sender, String... clientMsgIds) {
    return batch(room, firstSeq, sender, clientMsgIds);
  }

  private static List<StoredMessage> batch(String room, long firstSeq, String sender, String... clientMsgIds) {
    List<StoredMessage> out = new ArrayList<>();
    for (int i = 0; i < clientMsgIds.length; i++) {
      out.add(msg(room, firstSeq + i, sender, clientMsgIds[i]));
    }
    return out;
  }

  private StoredMessage msg(long seq, String sender, String clientMsgId) {
    return msg(room, seq, sender, clientMsgId);
  }

  /** Bodies are JSON values of every kind the protocol allows. */
  private static StoredMessage msg(String room, long seq, String sender, String clientMsgId) {
    Object body = switch ((int) (seq % 3)) {
      case 0 -> "body of " + clientMsgId;
      case 1 -> new JsonObject().put("text", "body of " + clientMsgId).put("n", seq);
      default -> new JsonArray().add(seq).add(true);
    };
    return new StoredMessage(room, seq, sender, clientMsgId, body, BASE_TS + seq);
  }

  private static String[] ids(int n) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = "id-" + i;
    }
    return out;
  }
}
