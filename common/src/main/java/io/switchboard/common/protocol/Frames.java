package io.switchboard.common.protocol;

import io.switchboard.common.history.StoredMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.List;

/** Builders for the server-to-client frames of protocol version 1 (see docs/protocol.md). */
public final class Frames {

  /** The protocol version this gateway speaks; also the WebSocket path suffix. */
  public static final int PROTOCOL_VERSION = 1;

  private Frames() {
  }

  /** @param expiresAt epoch ms at which the connection's token expires, or null if it does not */
  public static JsonObject welcome(String ref, String user, String sessionId, long pingIntervalMs, Long expiresAt) {
    JsonObject f = new JsonObject().put("type", "welcome").put("version", PROTOCOL_VERSION)
        .put("user", user).put("session", sessionId).put("pingInterval", pingIntervalMs);
    if (expiresAt != null) {
      f.put("expiresAt", expiresAt);
    }
    return withRef(f, ref);
  }

  /** Reply to {@code refresh}: the connection now runs on the new token. */
  public static JsonObject refreshed(String ref, Long expiresAt) {
    JsonObject f = new JsonObject().put("type", "refreshed");
    if (expiresAt != null) {
      f.put("expiresAt", expiresAt);
    }
    return withRef(f, ref);
  }

  public static JsonObject joined(String ref, String room, long seq, String epoch, Boolean recovering) {
    JsonObject f = new JsonObject().put("type", "joined").put("room", room).put("seq", seq).put("epoch", epoch);
    if (recovering != null) {
      f.put("recovering", recovering);
    }
    return withRef(f, ref);
  }

  /**
   * The end of a replay. {@code recovered} is true only if every message after the client's
   * position was delivered; otherwise {@code missing} lists the seq ranges that are gone.
   *
   * @param missing inclusive {@code [from, to]} ranges no longer retained, in order
   */
  public static JsonObject recovered(String room, long seq, String epoch, boolean recovered, List<long[]> missing) {
    JsonObject f = new JsonObject().put("type", "recovered").put("room", room).put("seq", seq)
        .put("epoch", epoch).put("recovered", recovered);
    if (!missing.isEmpty()) {
      JsonArray ranges = new JsonArray();
      missing.forEach(r -> ranges.add(new JsonObject().put("from", r[0]).put("to", r[1])));
      f.put("missing", ranges);
    }
    return f;
  }

  public static JsonObject left(String ref, String room) {
    return withRef(new JsonObject().put("type", "left").put("room", room), ref);
  }

  public static JsonObject ack(String ref, String room, String clientMsgId, long seq) {
    return withRef(new JsonObject().put("type", "ack").put("room", room).put("clientMsgId", clientMsgId).put("seq", seq), ref);
  }

  public static JsonObject message(StoredMessage m) {
    return new JsonObject().put("type", "message").put("room", m.room()).put("seq", m.seq())
        .put("sender", m.sender()).put("clientMsgId", m.clientMsgId()).put("body", m.body()).put("ts", m.ts());
  }

  public static JsonObject presence(String ref, String room, Collection<String> users) {
    return withRef(new JsonObject().put("type", "presence").put("room", room).put("users", new JsonArray(users.stream().toList())), ref);
  }

  public static JsonObject pong(String ref) {
    return withRef(new JsonObject().put("type", "pong"), ref);
  }

  public static JsonObject error(String ref, ErrorCode code, String message) {
    return withRef(new JsonObject().put("type", "error").put("code", code.wire()).put("message", message)
        .put("temporary", code.temporary()), ref);
  }

  private static JsonObject withRef(JsonObject frame, String ref) {
    if (ref != null) {
      frame.put("ref", ref);
    }
    return frame;
  }
}
