package io.switchboard.common.bus;

import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every room-service message decodes to what was encoded, and anything else is refused naming its field. */
class RoomProtocolTest {

  private static final StoredMessage HELLO = new StoredMessage("lobby", 7, "alice", "m1", "hello", 1_700_000_000_000L);
  private static final StoredMessage OBJECT = new StoredMessage("lobby", 8, "bob", "m2",
      new JsonObject().put("text", "hi").put("tags", new JsonArray().add("a")), 1_700_000_000_001L);

  // --- round trips, also through the wire form a clustered event bus sends -----------------------

  @Test
  void aSendDecodesToWhatWasEncodedWhateverItsBody() {
    for (Object body : Arrays.asList("hello", 42, true, null, new JsonObject().put("text", "hi"), new JsonArray().add(1))) {
      JsonObject json = RoomProtocol.send("lobby", "alice", "m1", body);
      RoomProtocol.SendRequest expected = new RoomProtocol.SendRequest("lobby", "alice", "m1", body);
      assertThat(RoomProtocol.decodeSend(json)).isEqualTo(expected);
      assertThat(RoomProtocol.decodeSend(overTheWire(json))).isEqualTo(expected);
    }
  }

  @Test
  void aSendReplyDecodesToItsSeq() {
    assertThat(RoomProtocol.decodeSendReply(RoomProtocol.sendReply(42))).isEqualTo(42);
    assertThat(RoomProtocol.decodeSendReply(overTheWire(RoomProtocol.sendReply(5_000_000_000L)))).isEqualTo(5_000_000_000L);
  }

  @Test
  void aSendBatchKeepsItsSendsInOrder() {
    JsonObject json = RoomProtocol.sendBatch(List.of(RoomProtocol.send("lobby", "alice", "m1", "a"),
        RoomProtocol.send("kitchen", "bob", "m2", new JsonObject().put("text", "b"))));

    RoomProtocol.SendBatch batch = RoomProtocol.decodeSendBatch(overTheWire(json));

    assertThat(batch.size()).isEqualTo(2);
    assertThat(batch.send(0)).isEqualTo(new RoomProtocol.SendRequest("lobby", "alice", "m1", "a"));
    assertThat(batch.send(1)).isEqualTo(new RoomProtocol.SendRequest("kitchen", "bob", "m2", new JsonObject().put("text", "b")));
  }

  @Test
  void aSendBatchReplyHoldsOneResultPerSendInOrder() {
    JsonObject json = RoomProtocol.sendBatchReply(List.of(RoomProtocol.sendReply(3),
        RoomProtocol.sendFailed(BusError.NOT_OWNER.code(), "room moved"), RoomProtocol.sendReply(4)));

    assertThat(RoomProtocol.decodeSendBatchReply(overTheWire(json), 3)).containsExactly(
        new RoomProtocol.SendResult.Committed(3),
        new RoomProtocol.SendResult.Failed(BusError.NOT_OWNER.code(), "room moved"),
        new RoomProtocol.SendResult.Committed(4));
  }

  @Test
  void aFailedSendOfABatchIsTheFailureItWouldHaveBeenOnItsOwn() {
    ReplyException e = new RoomProtocol.SendResult.Failed(BusError.OVERLOADED.code(), "too many pending sends").exception();

    assertThat(e.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(BusError.of(e)).isEqualTo(BusError.OVERLOADED);
    assertThat(e.getMessage()).isEqualTo("too many pending sends");
  }

  @Test
  void aSubscriptionAndItsReplyDecodeToWhatWasEncoded() {
    assertThat(RoomProtocol.decodeSubscription(overTheWire(RoomProtocol.subscription("lobby", "node-1/0"))))
        .isEqualTo(new RoomProtocol.Subscription("lobby", "node-1/0"));
    assertThat(RoomProtocol.decodeSubscribeReply(overTheWire(RoomProtocol.subscribeReply(12, "e1"))))
        .isEqualTo(new RoomState(12, "e1"));
  }

  @Test
  void aDeliveryDecodesToItsRoomEpochAndMessagesInOrder() {
    JsonObject json = RoomProtocol.delivery("lobby", "e1", List.of(HELLO, OBJECT));

    assertThat(RoomProtocol.decodeDelivery(json)).isEqualTo(new RoomProtocol.Delivery("lobby", "e1", List.of(HELLO, OBJECT)));
    assertThat(RoomProtocol.decodeDelivery(overTheWire(json))).isEqualTo(new RoomProtocol.Delivery("lobby", "e1", List.of(HELLO, OBJECT)));
  }

  // --- refusals ----------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"", "not a room!", "sl/ash"})
  void aRequestForAnInvalidRoomIdIsRefused(String room) {
    assertRefused(() -> RoomProtocol.decodeSend(RoomProtocol.send(room, "alice", "m1", "x")), "send.room is not a valid room id");
    assertRefused(() -> RoomProtocol.decodeSubscription(RoomProtocol.subscription(room, "node-1/0")),
        "subscription.room is not a valid room id");
  }

  @Test
  void aSendMissingOrMistypingAFieldIsRefusedNamingIt() {
    assertRefused(() -> RoomProtocol.decodeSend(null), "send must be a JSON object");
    assertRefused(() -> RoomProtocol.decodeSend(42), "send must be a JSON object");
    assertRefused(() -> RoomProtocol.decodeSend(new JsonArray()), "send must be a JSON object");
    assertRefused(() -> RoomProtocol.decodeSend(RoomProtocol.send("lobby", "alice", "m1", "x").put("room", 7)),
        "send.room must be a string");
    assertRefused(() -> RoomProtocol.decodeSend(RoomProtocol.send("lobby", "alice", "m1", "x").put("sender", null)),
        "send.sender must be a string");
    assertRefused(() -> RoomProtocol.decodeSend(RoomProtocol.send("lobby", "alice", "m1", "x").put("clientMsgId", 1)),
        "send.clientMsgId must be a string");
  }

  @Test
  void aSendBatchWithoutAnArrayOfSendsIsRefusedButAMalformedEntryOnlyWhenItIsRead() {
    assertRefused(() -> RoomProtocol.decodeSendBatch(new JsonObject().put("sends", "nope")), "send batch.sends must be an array");
    assertRefused(() -> RoomProtocol.decodeSendBatch(new JsonObject()), "send batch.sends must be an array");
    assertRefused(() -> RoomProtocol.decodeSendBatch("sends"), "send batch must be a JSON object");

    RoomProtocol.SendBatch batch = RoomProtocol.decodeSendBatch(new JsonObject().put("sends",
        new JsonArray().add(42).addNull().add(RoomProtocol.send("lobby", "alice", "m1", "ok"))));
    assertThat(batch.size()).isEqualTo(3);
    assertRefused(() -> batch.send(0), "send must be a JSON object");
    assertRefused(() -> batch.send(1), "send must be a JSON object");
    assertThat(batch.send(2).clientMsgId()).isEqualTo("m1");
  }

  @Test
  void aSendReplyWithoutAnIntegerSeqIsRefused() {
    assertRefused(() -> RoomProtocol.decodeSendReply(new JsonObject()), "send reply.seq must be an integer");
    assertRefused(() -> RoomProtocol.decodeSendReply(new JsonObject().put("seq", "1")), "send reply.seq must be an integer");
    assertRefused(() -> RoomProtocol.decodeSendReply(new JsonObject().put("seq", 1.5)), "send reply.seq must be an integer");
    assertRefused(() -> RoomProtocol.decodeSendReply(null), "send reply must be a JSON object");
  }

  @Test
  void aSendBatchReplyThatDoesNotAnswerEverySendIsRefused() {
    JsonObject two = RoomProtocol.sendBatchReply(List.of(RoomProtocol.sendReply(1), RoomProtocol.sendReply(2)));
    assertRefused(() -> RoomProtocol.decodeSendBatchReply(two, 3), "send batch reply.results must be an array of 3 results");
    assertRefused(() -> RoomProtocol.decodeSendBatchReply(new JsonObject(), 1),
        "send batch reply.results must be an array of 1 results");
    assertRefused(() -> RoomProtocol.decodeSendBatchReply(batchReply(new JsonObject()), 1),
        "send batch reply.results[0] must hold a seq or a failureCode");
    assertRefused(() -> RoomProtocol.decodeSendBatchReply(batchReply("1"), 1),
        "send batch reply.results[0] must be a JSON object");
    assertRefused(() -> RoomProtocol.decodeSendBatchReply(batchReply(new JsonObject().put("seq", "1")), 1),
        "send batch reply.results[0].seq must be an integer");
    assertRefused(() -> RoomProtocol.decodeSendBatchReply(batchReply(new JsonObject().put("failureCode", "409")), 1),
        "send batch reply.results[0].failureCode must be an integer");
    assertRefused(() -> RoomProtocol.decodeSendBatchReply(
            batchReply(new JsonObject().put("failureCode", 409).put("message", 1)), 1),
        "send batch reply.results[0].message must be a string");
  }

  @Test
  void aFailedSendMayComeWithoutAMessage() {
    assertThat(RoomProtocol.decodeSendBatchReply(batchReply(new JsonObject().put("failureCode", 500)), 1))
        .containsExactly(new RoomProtocol.SendResult.Failed(500, null));
  }

  @Test
  void aSubscriptionOrItsReplyMissingAFieldIsRefused() {
    assertRefused(() -> RoomProtocol.decodeSubscription(new JsonObject().put("room", "lobby")),
        "subscription.subscriber must be a string");
    assertRefused(() -> RoomProtocol.decodeSubscription("lobby"), "subscription must be a JSON object");
    assertRefused(() -> RoomProtocol.decodeSubscribeReply(new JsonObject().put("epoch", "e1")),
        "subscribe reply.top must be an integer");
    assertRefused(() -> RoomProtocol.decodeSubscribeReply(new JsonObject().put("top", 1)),
        "subscribe reply.epoch must be a string");
  }

  @Test
  void aDeliveryWithAMalformedMessageIsRefusedNamingTheMessageAndField() {
    JsonObject good = RoomProtocol.delivery("lobby", "e1", List.of(HELLO, OBJECT));
    assertRefused(() -> RoomProtocol.decodeDelivery(good.copy().put("room", 1)), "delivery.room must be a string");
    assertRefused(() -> RoomProtocol.decodeDelivery(good.copy().putNull("epoch")), "delivery.epoch must be a string");
    assertRefused(() -> RoomProtocol.decodeDelivery(good.copy().put("messages", "none")), "delivery.messages must be an array");
    assertRefused(() -> RoomProtocol.decodeDelivery(withSecondMessage(good, m -> m.remove("sender"))),
        "delivery.messages[1].sender must be a string");
    assertRefused(() -> RoomProtocol.decodeDelivery(withSecondMessage(good, m -> m.remove("seq"))),
        "delivery.messages[1].seq must be an integer");
    assertRefused(() -> RoomProtocol.decodeDelivery(withSecondMessage(good, m -> m.put("ts", "now"))),
        "delivery.messages[1].ts must be an integer");
    assertRefused(() -> RoomProtocol.decodeDelivery(withSecondMessage(good, m -> m.put("room", false))),
        "delivery.messages[1].room must be a string");
    assertRefused(() -> RoomProtocol.decodeDelivery(withSecondMessage(good, m -> m.put("clientMsgId", 3))),
        "delivery.messages[1].clientMsgId must be a string");
    assertRefused(() -> RoomProtocol.decodeDelivery(good.copy().put("messages", new JsonArray().add("m"))),
        "delivery.messages[0] must be a JSON object");
    assertRefused(() -> RoomProtocol.decodeDelivery(null), "delivery must be a JSON object");
  }

  @Test
  void aDeliveredMessageWithoutATimestampHasTimeZero() {
    JsonObject json = RoomProtocol.delivery("lobby", "e1", List.of(HELLO));
    json.getJsonArray("messages").getJsonObject(0).remove("ts");

    assertThat(RoomProtocol.decodeDelivery(json).messages()).containsExactly(new StoredMessage("lobby", 7, "alice", "m1", "hello", 0));
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** The JSON as the receiving side of a clustered event bus sees it: encoded, then parsed. */
  private static JsonObject overTheWire(JsonObject json) {
    return new JsonObject(Buffer.buffer(json.encode()));
  }

  private static JsonObject batchReply(Object result) {
    return new JsonObject().put("results", new JsonArray().add(result));
  }

  private static JsonObject withSecondMessage(JsonObject delivery, Consumer<JsonObject> change) {
    JsonObject copy = delivery.copy();
    change.accept(copy.getJsonArray("messages").getJsonObject(1));
    return copy;
  }

  private static void assertRefused(ThrowingCallable decode, String message) {
    assertThatThrownBy(decode).isInstanceOf(MalformedBusMessageException.class).hasMessage(message);
  }
}
