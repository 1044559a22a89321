package io.switchboard.common.history;

import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * A committed chat message: what the history keeps and what gateways deliver.
 *
 * @param room room id
 * @param seq position in the room, from 1, gap-free
 * @param sender user id of the author
 * @param clientMsgId the author's idempotency key
 * @param body any JSON value (string, number, boolean, object or array)
 * @param ts server time of sequencing, epoch milliseconds
 */
public record StoredMessage(String room, long seq, String sender, String clientMsgId, Object body, long ts) {

  public StoredMessage {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(clientMsgId, "clientMsgId");
  }

  /** The key deduplication is scoped to: one author's idempotency key. */
  public String dedupeKey() {
    return sender + '\u0000' + clientMsgId;
  }

  public StoredMessage withSeq(long newSeq) {
    return new StoredMessage(room, newSeq, sender, clientMsgId, body, ts);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("room", room)
        .put("seq", seq)
        .put("sender", sender)
        .put("clientMsgId", clientMsgId)
        .put("body", body)
        .put("ts", ts);
  }

  public static StoredMessage fromJson(JsonObject json) {
    return new StoredMessage(
        json.getString("room"),
        json.getLong("seq", 0L),
        json.getString("sender"),
        json.getString("clientMsgId"),
        json.getValue("body"),
        json.getLong("ts", 0L));
  }
}
