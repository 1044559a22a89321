package io.switchboard.common.bus;

import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.protocol.Rooms;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * JSON shapes exchanged between gateways and room-service shard owners, written once for both
 * sides. Requests go to {@link Addresses#roomNode(String)} with an {@link Addresses#OP} header;
 * fan-out events go to {@link Addresses#gatewayDeliver(String)}. Next to each encoder is its
 * decoder, which checks every field it reads and refuses anything else with a
 * {@link MalformedBusMessageException} naming the field.
 */
public final class RoomProtocol {

  private RoomProtocol() {
  }

  // --- send ------------------------------------------------------------------------------------

  /**
   * One send as a shard owner receives it, on its own ({@link Addresses.RoomOps#SEND}) or as an
   * entry of a batch.
   *
   * @param room a valid room id ({@link Rooms#isValid})
   * @param body any JSON value
   */
  public record SendRequest(String room, String sender, String clientMsgId, Object body) {
  }

  /** A send: {@code {room, sender, clientMsgId, body}}; the owner replies {@code {seq}} after the commit. */
  public static JsonObject send(String room, String sender, String clientMsgId, Object body) {
    return new JsonObject().put("room", room).put("sender", sender).put("clientMsgId", clientMsgId).put("body", body);
  }

  /**
   * Reads a {@link #send}, on its own or from a batch.
   *
   * @throws MalformedBusMessageException naming the first missing or malformed field
   */
  public static SendRequest decodeSend(Object json) {
    JsonObject send = object(json, "send");
    return new SendRequest(room(send, "send"), string(send, "send", "sender"), string(send, "send", "clientMsgId"),
        send.getValue("body"));
  }

  public static JsonObject sendReply(long seq) {
    return new JsonObject().put("seq", seq);
  }

  /** Reads a {@link #sendReply}: the seq the send was committed at. */
  public static long decodeSendReply(JsonObject json) {
    return integer(object(json, "send reply"), "send reply", "seq");
  }

  // --- send batch ------------------------------------------------------------------------------

  /**
   * Several sends to one owner, as received. Each entry is decoded on its own ({@link #send(int)}),
   * so that a malformed one fails alone and the others of its batch go on.
   *
   * @param sends the entries as sent, not yet decoded
   */
  public record SendBatch(List<Object> sends) {

    public SendBatch {
      // Not List.copyOf: a null entry is kept, for decodeSend to refuse.
      sends = Collections.unmodifiableList(new ArrayList<>(sends));
    }

    public int size() {
      return sends.size();
    }

    /**
     * The {@code i}-th send of the batch.
     *
     * @throws MalformedBusMessageException if that entry is not a well-formed send
     */
    public SendRequest send(int i) {
      return decodeSend(sends.get(i));
    }
  }

  /**
   * Several sends to one owner, possibly for different rooms: {@code {sends: [send...]}}. The owner
   * sequences them in order and replies once all are settled with {@code {results: [...]}}, one
   * entry per send in the same order: {@code {seq}} or {@code {failureCode, message}}.
   */
  public static JsonObject sendBatch(List<JsonObject> sends) {
    return new JsonObject().put("sends", new JsonArray(new ArrayList<>(sends)));
  }

  /**
   * Reads a {@link #sendBatch}: checks that it holds an array of sends, leaving each entry to be
   * decoded on its own.
   *
   * @throws MalformedBusMessageException if there is no array of sends
   */
  public static SendBatch decodeSendBatch(Object json) {
    if (!(object(json, "send batch").getValue("sends") instanceof JsonArray sends)) {
      throw new MalformedBusMessageException("send batch.sends must be an array");
    }
    List<Object> entries = new ArrayList<>(sends.size());
    for (int i = 0; i < sends.size(); i++) {
      // getValue, unlike the underlying list, wraps maps and lists as JsonObject and JsonArray.
      entries.add(sends.getValue(i));
    }
    return new SendBatch(entries);
  }

  /** The outcome of one send of a batch, as the owner reports it. */
  public sealed interface SendResult {

    /** The send was committed at {@code seq}. */
    record Committed(long seq) implements SendResult {
    }

    /** The send failed, with a {@link BusError} code (or another code, which callers take as internal). */
    record Failed(int failureCode, String message) implements SendResult {

      /** The failure as if the send had been a request of its own. */
      public ReplyException exception() {
        return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, failureCode, message);
      }
    }
  }

  /** The owner's answer to a {@link #sendBatch}: {@code {results: [...]}}, one per send, in order. */
  public static JsonObject sendBatchReply(List<JsonObject> results) {
    return new JsonObject().put("results", new JsonArray(new ArrayList<>(results)));
  }

  /** One failed send in a {@link #sendBatchReply}; its successful counterpart is a {@link #sendReply}. */
  public static JsonObject sendFailed(int failureCode, String message) {
    return new JsonObject().put("failureCode", failureCode).put("message", message);
  }

  /**
   * Reads a {@link #sendBatchReply} to a batch of {@code sends} sends.
   *
   * @throws MalformedBusMessageException unless it holds one well-formed result per send
   */
  public static List<SendResult> decodeSendBatchReply(JsonObject json, int sends) {
    if (!(object(json, "send batch reply").getValue("results") instanceof JsonArray results)
        || results.size() != sends) {
      throw new MalformedBusMessageException("send batch reply.results must be an array of " + sends + " results");
    }
    List<SendResult> out = new ArrayList<>(sends);
    for (int i = 0; i < sends; i++) {
      String what = "send batch reply.results[" + i + "]";
      JsonObject result = object(results.getValue(i), what);
      if (result.getValue("seq") != null) {
        out.add(new SendResult.Committed(integer(result, what, "seq")));
      } else if (result.getValue("failureCode") != null) {
        long code = integer(result, what, "failureCode");
        Object message = result.getValue("message");
        if (message != null && !(message instanceof String)) {
          throw new MalformedBusMessageException(what + ".message must be a string");
        }
        out.add(new SendResult.Failed((int) code, (String) message));
      } else {
        throw new MalformedBusMessageException(what + " must hold a seq or a failureCode");
      }
    }
    return out;
  }

  // --- subscribe, unsubscribe ------------------------------------------------------------------

  /**
   * A gateway instance's subscription to a room's fan-out, or its end.
   *
   * @param room a valid room id ({@link Rooms#isValid})
   * @param subscriber the gateway instance ({@link SubscriberIds})
   */
  public record Subscription(String room, String subscriber) {
  }

  /**
   * A gateway instance subscribes to a room's fan-out ({@link Addresses.RoomOps#SUBSCRIBE}), and the
   * owner replies {@code {top, epoch}}; or it unsubscribes ({@link Addresses.RoomOps#UNSUBSCRIBE}).
   */
  public static JsonObject subscription(String room, String subscriber) {
    return new JsonObject().put("room", room).put("subscriber", subscriber);
  }

  /**
   * Reads a {@link #subscription}.
   *
   * @throws MalformedBusMessageException naming the first missing or malformed field
   */
  public static Subscription decodeSubscription(Object json) {
    JsonObject subscription = object(json, "subscription");
    return new Subscription(room(subscription, "subscription"), string(subscription, "subscription", "subscriber"));
  }

  public static JsonObject subscribeReply(long top, String epoch) {
    return new JsonObject().put("top", top).put("epoch", epoch);
  }

  /** Reads a {@link #subscribeReply}: the room's committed top and epoch. */
  public static RoomState decodeSubscribeReply(JsonObject json) {
    JsonObject reply = object(json, "subscribe reply");
    return new RoomState(integer(reply, "subscribe reply", "top"), string(reply, "subscribe reply", "epoch"));
  }

  // --- fan-out ---------------------------------------------------------------------------------

  /** One fan-out event: the messages of one committed batch of one room, ascending by seq, and their epoch. */
  public record Delivery(String room, String epoch, List<StoredMessage> messages) {

    public Delivery {
      messages = List.copyOf(messages);
    }
  }

  /** A {@link Delivery} to a subscribed gateway instance. */
  public static JsonObject delivery(String room, String epoch, List<StoredMessage> messages) {
    JsonArray json = new JsonArray(new ArrayList<>(messages.size()));
    messages.forEach(m -> json.add(m.toJson()));
    return new JsonObject().put("room", room).put("epoch", epoch).put("messages", json);
  }

  /**
   * Reads a {@link #delivery}.
   *
   * @throws MalformedBusMessageException naming the first missing or malformed field
   */
  public static Delivery decodeDelivery(Object json) {
    JsonObject delivery = object(json, "delivery");
    String room = string(delivery, "delivery", "room");
    String epoch = string(delivery, "delivery", "epoch");
    if (!(delivery.getValue("messages") instanceof JsonArray array)) {
      throw new MalformedBusMessageException("delivery.messages must be an array");
    }
    List<StoredMessage> messages = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      messages.add(message(array.getValue(i), "delivery.messages[" + i + "]"));
    }
    return new Delivery(room, epoch, messages);
  }

  private static StoredMessage message(Object json, String what) {
    JsonObject m = object(json, what);
    return new StoredMessage(string(m, what, "room"), integer(m, what, "seq"), string(m, what, "sender"),
        string(m, what, "clientMsgId"), m.getValue("body"), m.getValue("ts") == null ? 0 : integer(m, what, "ts"));
  }

  // --- field checks ----------------------------------------------------------------------------

  private static JsonObject object(Object json, String what) {
    if (!(json instanceof JsonObject object)) {
      throw new MalformedBusMessageException(what + " must be a JSON object");
    }
    return object;
  }

  private static String string(JsonObject json, String what, String field) {
    if (!(json.getValue(field) instanceof String value)) {
      throw new MalformedBusMessageException(what + "." + field + " must be a string");
    }
    return value;
  }

  private static long integer(JsonObject json, String what, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte)) {
      throw new MalformedBusMessageException(what + "." + field + " must be an integer");
    }
    return ((Number) value).longValue();
  }

  private static String room(JsonObject json, String what) {
    String room = string(json, what, "room");
    if (!Rooms.isValid(room)) {
      throw new MalformedBusMessageException(what + ".room is not a valid room id");
    }
    return room;
  }
}
