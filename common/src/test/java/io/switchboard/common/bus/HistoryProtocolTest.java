package io.switchboard.common.bus;

import io.switchboard.common.bus.HistoryProtocol.AppendRequest;
import io.switchboard.common.bus.HistoryProtocol.Direction;
import io.switchboard.common.bus.HistoryProtocol.PageRequest;
import io.switchboard.common.bus.HistoryProtocol.StateRequest;
import io.switchboard.common.history.StoredMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The history service reads every request through a decoder that gives back exactly what the
 * client encoded, and refuses a malformed request by naming the field at fault.
 */
class HistoryProtocolTest {

  private static final String ROOM = "lobby";
  private static final String EPOCH = "e1";

  @Test
  void aStateRequestDecodesToItsRoom() {
    assertThat(HistoryProtocol.decodeStateRequest(overTheWire(HistoryProtocol.stateRequest(ROOM))))
        .isEqualTo(new StateRequest(ROOM));
  }

  @Test
  void aStateRequestWithoutAStringRoomIsRefused() {
    assertRefused(() -> HistoryProtocol.decodeStateRequest(null), "JSON object");
    assertRefused(() -> HistoryProtocol.decodeStateRequest(new JsonObject()), "room must be a string");
    assertRefused(() -> HistoryProtocol.decodeStateRequest(new JsonObject().put("room", 7)), "room must be a string");
  }

  @Test
  void anAppendRequestDecodesToTheBatchTheClientSent() {
    List<StoredMessage> batch = List.of(
        new StoredMessage(ROOM, 41, "alice", "m1", new JsonObject().put("text", "hi"), 1_700_000_000_000L),
        new StoredMessage(ROOM, 42, "bob", "m2", new JsonArray().add(1).add("two"), 1_700_000_000_001L),
        new StoredMessage(ROOM, 43, "carol", "m3", null, 0L));
    JsonObject request = HistoryProtocol.appendRequest(ROOM, EPOCH, batch);

    AppendRequest expected = new AppendRequest(ROOM, EPOCH, batch);
    assertThat(HistoryProtocol.decodeAppendRequest(request)).isEqualTo(expected);
    assertThat(HistoryProtocol.decodeAppendRequest(overTheWire(request)))
        .as("as a clustered bus delivers it, small numbers read back as ints").isEqualTo(expected);
  }

  @Test
  void aMessageWithoutATimestampIsStampedZero() {
    JsonObject message = message(1).toJson();
    message.remove("ts");

    AppendRequest decoded = HistoryProtocol.decodeAppendRequest(append(new JsonArray().add(message)));

    assertThat(decoded.messages().get(0).ts()).isZero();
  }

  @Test
  void malformedAppendRequestsAreRefusedNamingTheFieldAtFault() {
    JsonObject m = message(1).toJson();
    List<Map.Entry<JsonObject, String>> malformed = List.of(
        Map.entry(new JsonObject().put("epoch", EPOCH).put("messages", new JsonArray().add(m)), "room must be a string"),
        Map.entry(new JsonObject().put("room", ROOM).put("messages", new JsonArray().add(m)), "epoch must be a string"),
        Map.entry(new JsonObject().put("room", ROOM).put("epoch", 3).put("messages", new JsonArray().add(m)),
            "epoch must be a string"),
        Map.entry(new JsonObject().put("room", ROOM).put("epoch", EPOCH), "messages must be a non-empty array"),
        Map.entry(new JsonObject().put("room", ROOM).put("epoch", EPOCH).put("messages", "m"),
            "messages must be a non-empty array"),
        Map.entry(append(new JsonArray()), "messages must be a non-empty array"),
        Map.entry(append(new JsonArray().add(42)), "messages[0] must be an object"),
        Map.entry(append(new JsonArray().add(without(m, "room"))),
            "messages[0].room must be a string"),
        Map.entry(append(new JsonArray().add(m.copy().put("sender", List.of("x")))), "messages[0].sender must be a string"),
        Map.entry(append(new JsonArray().add(without(m, "clientMsgId"))), "messages[0].clientMsgId must be a string"),
        Map.entry(append(new JsonArray().add(m.copy().put("seq", "one"))), "messages[0].seq must be an integer"),
        Map.entry(append(new JsonArray().add(without(m, "seq"))), "messages[0].seq must be an integer"),
        Map.entry(append(new JsonArray().add(m.copy().put("seq", 1.5))), "messages[0].seq must be an integer"),
        Map.entry(append(new JsonArray().add(m.copy().put("ts", "noon"))), "messages[0].ts must be an integer"),
        Map.entry(append(new JsonArray().add(m).add(message(3).toJson())), "consecutive seqs"),
        Map.entry(append(new JsonArray().add(m.copy().put("room", "kitchen"))), "consecutive seqs of that room"));

    malformed.forEach(c -> assertRefused(() -> HistoryProtocol.decodeAppendRequest(c.getKey()), c.getValue()));
  }

  @Test
  void pageRequestsDecodeToTheirDirectionBoundAndLimit() {
    assertThat(HistoryProtocol.decodePageRequest(overTheWire(HistoryProtocol.pageRequest(ROOM, 41, 100))))
        .isEqualTo(new PageRequest(ROOM, Direction.AFTER, 41, 100));
    assertThat(HistoryProtocol.decodePageRequest(overTheWire(HistoryProtocol.pageBeforeRequest(ROOM, 41, 20))))
        .isEqualTo(new PageRequest(ROOM, Direction.BEFORE, 41, 20));
    assertThat(HistoryProtocol.decodePageRequest(HistoryProtocol.pageRequest(ROOM, Long.MAX_VALUE, -1)))
        .as("the decoder keeps the limit as sent; the service caps it")
        .isEqualTo(new PageRequest(ROOM, Direction.AFTER, Long.MAX_VALUE, -1));
  }

  @Test
  void aPageRequestWithoutBoundOrLimitReadsTheFirstDefaultPage() {
    assertThat(HistoryProtocol.decodePageRequest(new JsonObject().put("room", ROOM)))
        .isEqualTo(new PageRequest(ROOM, Direction.AFTER, 0, HistoryProtocol.DEFAULT_PAGE_LIMIT));
  }

  @Test
  void malformedPageRequestsAreRefusedNamingTheFieldAtFault() {
    JsonObject page = new JsonObject().put("room", ROOM);
    List<Map.Entry<JsonObject, String>> malformed = List.of(
        Map.entry(new JsonObject().put("after", 0), "room must be a string"),
        Map.entry(page.copy().put("after", "zero"), "after must be an integer"),
        Map.entry(page.copy().put("before", 1.5), "before must be an integer"),
        Map.entry(page.copy().put("limit", "all"), "limit must be an integer"),
        Map.entry(page.copy().put("limit", 1L << 40), "limit must be an int"),
        Map.entry(page.copy().put("after", 0).put("before", 9), "not both"));

    malformed.forEach(c -> assertRefused(() -> HistoryProtocol.decodePageRequest(c.getKey()), c.getValue()));
    assertRefused(() -> HistoryProtocol.decodePageRequest(null), "JSON object");
  }

  private static void assertRefused(Runnable decode, String reason) {
    assertThatThrownBy(decode::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
  }

  private static StoredMessage message(long seq) {
    return new StoredMessage(ROOM, seq, "alice", "m" + seq, "hi", 1_700_000_000_000L + seq);
  }

  private static JsonObject append(JsonArray messages) {
    return new JsonObject().put("room", ROOM).put("epoch", EPOCH).put("messages", messages);
  }

  private static JsonObject without(JsonObject json, String field) {
    JsonObject copy = json.copy();
    copy.remove(field);
    return copy;
  }

  /** The request as a clustered event bus delivers it: encoded to JSON text and parsed back. */
  private static JsonObject overTheWire(JsonObject request) {
    return new JsonObject(request.encode());
  }
}
