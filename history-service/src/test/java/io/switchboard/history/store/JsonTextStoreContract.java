package io.switchboard.history.store;

import io.switchboard.common.bus.HistoryProtocol;
import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.MessageStoreContract;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.history.UnprocessableMessageException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules of the stores that keep bodies as JSON text (SQLite and PostgreSQL), beyond the
 * {@link MessageStoreContract} every store keeps: a body is stored if, and only if, the history
 * service can also serve it.
 */
abstract class JsonTextStoreContract extends MessageStoreContract {

  /** {@code {messages: [{body}]}} adds three levels; Jackson writes at most 1000. */
  private static final int DEEPEST_BODY_THE_ROOM_SERVICE_SENDS = 997;

  @Test
  void aBodyNestedDeeperThanJsonAllowsIsRefusedAsUnprocessableAndWritesNothing() {
    String room = "deep-" + UUID.randomUUID();
    String epoch = store.state(room).await().epoch();

    Future<AppendResult> tooDeep = store.append(room, epoch, List.of(
        message(room, 1, "fine", "x"), message(room, 2, "deep", nested(1001))));

    assertThatThrownBy(tooDeep::await).isInstanceOf(UnprocessableMessageException.class);
    assertThat(store.state(room).await().top()).isZero();
    assertThat(store.append(room, epoch, List.of(message(room, 1, "fine", "x"))).await())
        .isEqualTo(new AppendResult.Appended(1, epoch));
  }

  @Test
  void aBodyAsDeepAsTheRoomServiceCanSendIsStoredAndItsPageCanBeAnswered() {
    String room = "deep-" + UUID.randomUUID();
    String epoch = store.state(room).await().epoch();
    Object body = nested(DEEPEST_BODY_THE_ROOM_SERVICE_SENDS);

    store.append(room, epoch, List.of(message(room, 1, "deep", body))).await();
    HistoryPage page = store.after(room, 0, 10).await();

    assertThat(page.messages()).extracting(StoredMessage::body).containsExactly(body);
    assertThat(HistoryProtocol.encode(page).toBuffer().length())
        .as("the page reply encodes as the event bus encodes it").isPositive();
  }

  private static StoredMessage message(String room, long seq, String clientMsgId, Object body) {
    return new StoredMessage(room, seq, "alice", clientMsgId, body, 1_700_000_000_000L + seq);
  }

  private static Object nested(int depth) {
    Object value = "core";
    for (int i = 1; i < depth; i++) {
      value = new JsonObject().put("n", value);
    }
    return new JsonObject().put("n", value);
  }
}
