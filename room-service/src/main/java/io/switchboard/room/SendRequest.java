package io.switchboard.room;

import io.switchboard.common.protocol.Rooms;
import io.vertx.core.json.JsonObject;

/**
 * One send as the room service receives it from a gateway: {@code {room, sender, clientMsgId, body}}
 * (see {@code RoomProtocol.send}).
 *
 * @param body any JSON value
 */
record SendRequest(String room, String sender, String clientMsgId, Object body) {

  /**
   * Reads a send, checking each field instead of failing inside the sequencer.
   *
   * @throws IllegalArgumentException naming the first missing or malformed field
   */
  static SendRequest decode(Object json) {
    if (!(json instanceof JsonObject send)) {
      throw new IllegalArgumentException("a send must be an object");
    }
    String room = string(send, "room");
    if (!Rooms.isValid(room)) {
      throw new IllegalArgumentException("room is not a valid room id");
    }
    return new SendRequest(room, string(send, "sender"), string(send, "clientMsgId"), send.getValue("body"));
  }

  private static String string(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof String value)) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return value;
  }
}
