package io.switchboard.common.bus;

import io.switchboard.common.history.StoredMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * JSON shapes exchanged between gateways and room-service shard owners, written once for both
 * sides. Requests go to {@link Addresses#roomNode(String)} with an {@link Addresses#OP} header.
 */
public final class RoomProtocol {

  private RoomProtocol() {
  }

  /** A send: {@code {room, sender, clientMsgId, body}}; the owner replies {@code {seq}} after the commit. */
  public static JsonObject send(String room, String sender, String clientMsgId, Object body) {
    return new JsonObject().put("room", room).put("sender", sender).put("clientMsgId", clientMsgId).put("body", body);
  }

  /**
   * Several sends to one owner, possibly for different rooms: {@code {sends: [send...]}}. The owner
   * sequences them in order and replies once all are settled with {@code {results: [...]}}, one
   * entry per send in the same order: {@code {seq}} or {@code {failureCode, message}}.
   */
  public static JsonObject sendBatch(List<JsonObject> sends) {
    return new JsonObject().put("sends", new JsonArray(new ArrayList<>(sends)));
  }

  public static JsonObject sendBatchReply(List<JsonObject> results) {
    return new JsonObject().put("results", new JsonArray(new ArrayList<>(results)));
  }

  public static JsonObject sendFailed(int failureCode, String message) {
    return new JsonObject().put("failureCode", failureCode).put("message", message);
  }

  /** A gateway instance subscribes to a room's fan-out; the owner replies {@code {top, epoch}}. */
  public static JsonObject subscription(String room, String subscriber) {
    return new JsonObject().put("room", room).put("subscriber", subscriber);
  }

  public static JsonObject sendReply(long seq) {
    return new JsonObject().put("seq", seq);
  }

  public static JsonObject subscribeReply(long top, String epoch) {
    return new JsonObject().put("top", top).put("epoch", epoch);
  }

  /** One fan-out event: the messages of one committed batch of one room, ascending by seq, and their epoch. */
  public static JsonObject delivery(String room, String epoch, List<StoredMessage> messages) {
    return new JsonObject().put("room", room).put("epoch", epoch).put("messages", HistoryProtocol.messagesJson(messages));
  }

  public static List<StoredMessage> deliveredMessages(JsonObject delivery) {
    return HistoryProtocol.messages(delivery.getJsonArray("messages"));
  }
}
