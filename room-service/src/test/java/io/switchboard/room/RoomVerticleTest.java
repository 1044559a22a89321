package io.switchboard.room;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.cluster.TestClusterView;
import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.common.shard.ShardMap;
import io.switchboard.room.sequencer.SequencerOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The room service as a gateway sees it over the event bus: one owner of every room, over an in-memory store. */
class RoomVerticleTest {

  private static final String NODE = "room-1";

  private final Vertx vertx = Vertx.vertx();
  private final InMemoryMessageStore store = new InMemoryMessageStore();

  @BeforeEach
  void deploy() {
    vertx.deployVerticle(new RoomVerticle(TestClusterView.soleRoomNode(NODE), store, new ShardMap(16), SequencerOptions.defaults(),
        LogLimiter.perMinute(10), System::currentTimeMillis))
        .await();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void inABatchOfSendsEachBadOneFailsAloneWithItsOwnCodeAndTheOthersAreSequenced() {
    JsonArray results = sendBatch(
        RoomProtocol.send("lobby", "alice", "m1", "hello"),
        42,
        RoomProtocol.send("not a room id!", "alice", "m2", "x"),
        new JsonObject().put("room", "lobby").put("clientMsgId", "m3").put("body", "no sender"),
        RoomProtocol.send("lobby", "alice", "nul\u0000id", "refused by every store"),
        RoomProtocol.send("lobby", "alice", "m5", new JsonObject().put("text", "still fine")));

    assertThat(results.stream().map(r -> (JsonObject) r)
        .map(r -> r.containsKey("seq") ? "seq " + r.getLong("seq") : "failed " + r.getInteger("failureCode")))
        .containsExactly("seq 1", "failed " + BusError.BAD_REQUEST.code(), "failed " + BusError.BAD_REQUEST.code(),
            "failed " + BusError.BAD_REQUEST.code(), "failed " + BusError.UNPROCESSABLE.code(), "seq 2");
    assertThat(store.after("lobby", 0, 10).await().messages()).extracting(StoredMessage::clientMsgId)
        .containsExactly("m1", "m5");
  }

  @Test
  void aSendBatchWithoutAnArrayOfSendsIsAnsweredBadRequest() {
    Future<Message<Object>> reply = vertx.eventBus().request(Addresses.roomNode(NODE), new JsonObject().put("sends", "nope"),
        new DeliveryOptions().addHeader(Addresses.OP, Addresses.RoomOps.SEND_BATCH));
    assertThatThrownBy(reply::await).satisfies(e -> assertThat(BusError.of(e)).isEqualTo(BusError.BAD_REQUEST));
  }

  @Test
  void aMalformedRequestOfAnyOpIsAnsweredBadRequestNamingWhatIsWrong() {
    assertThat(refusal(Addresses.RoomOps.SEND, new JsonObject().put("room", "lobby").put("clientMsgId", "m1")))
        .isEqualTo("400 send.sender must be a string");
    assertThat(refusal(Addresses.RoomOps.SUBSCRIBE, new JsonObject().put("room", "lobby")))
        .isEqualTo("400 subscription.subscriber must be a string");
    assertThat(refusal(Addresses.RoomOps.UNSUBSCRIBE, new JsonObject().put("room", "not a room id!").put("subscriber", "gw/0")))
        .isEqualTo("400 subscription.room is not a valid room id");
    assertThat(refusal(Addresses.RoomOps.SEND, "not an object")).isEqualTo("400 send must be a JSON object");
    assertThat(refusal("shout", RoomProtocol.send("lobby", "alice", "m1", "x"))).isEqualTo("400 unknown op shout");
    assertThat(refusal(null, RoomProtocol.send("lobby", "alice", "m1", "x"))).isEqualTo("400 the op header is required");
  }

  @Test
  void aSubscriberLearnsTheRoomsCommittedTopAndEpochAndReceivesWhatIsCommittedNext() throws Exception {
    Promise<JsonObject> delivered = Promise.promise();
    vertx.eventBus().<JsonObject>consumer(Addresses.gatewayDeliver("gw/0"), m -> delivered.tryComplete(m.body()))
        .completion().await();
    request(Addresses.RoomOps.SEND, RoomProtocol.send("lobby", "alice", "m1", "one"));

    JsonObject state = request(Addresses.RoomOps.SUBSCRIBE, RoomProtocol.subscription("lobby", "gw/0"));
    JsonObject ack = request(Addresses.RoomOps.SEND, RoomProtocol.send("lobby", "alice", "m2", "two"));

    assertThat(RoomProtocol.decodeSubscribeReply(state).top()).isEqualTo(1);
    assertThat(RoomProtocol.decodeSendReply(ack)).isEqualTo(2);
    assertThat(RoomProtocol.decodeDelivery(delivered.future().await(5, TimeUnit.SECONDS)).messages())
        .extracting(StoredMessage::clientMsgId).containsExactly("m2");
  }

  private JsonObject request(String op, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(Addresses.roomNode(NODE), body,
        new DeliveryOptions().addHeader(Addresses.OP, op)).await().body();
  }

  /** The code and message a request is refused with. */
  private String refusal(String op, Object body) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(5000);
    if (op != null) {
      options.addHeader(Addresses.OP, op);
    }
    Future<Message<Object>> reply = vertx.eventBus().request(Addresses.roomNode(NODE), body, options);
    try {
      reply.await();
    } catch (ReplyException e) {
      return e.failureCode() + " " + e.getMessage();
    }
    throw new AssertionError("expected a refusal, got " + reply.result().body());
  }

  private JsonArray sendBatch(Object... sends) {
    JsonObject request = new JsonObject().put("sends", new JsonArray(List.of(sends)));
    Message<JsonObject> reply = vertx.eventBus().<JsonObject>request(Addresses.roomNode(NODE), request,
        new DeliveryOptions().addHeader(Addresses.OP, Addresses.RoomOps.SEND_BATCH)).await();
    return reply.body().getJsonArray("results");
  }
}
