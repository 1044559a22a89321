package io.switchboard.gateway.ws;

import io.switchboard.common.protocol.ErrorCode;
import io.switchboard.common.protocol.Rooms;
import io.switchboard.common.protocol.Text;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;


/**
 * A parsed and validated client text frame. Parsing never throws anything but
 * {@link ProtocolException}, whose code goes back to the client.
 */
record ClientFrame(String type, String ref, JsonObject json) {

  private static final int MAX_ID = 64;
  /** Largest {@code since.seq}: Number.MAX_SAFE_INTEGER. */
  static final long MAX_SEQ = (1L << 53) - 1;

  /**
   * Parses a frame. The WebSocket layer already bounds its size (64 KiB), so an oversized frame is
   * parsed too, which lets its {@code too_large} error carry the client's {@code ref}.
   */
  static ClientFrame parse(String text) {
    Object decoded;
    try {
      decoded = Json.decodeValue(text);
    } catch (DecodeException e) {
      decoded = null;
    }
    if (!(decoded instanceof JsonObject json)) {
      throw new ProtocolException(ErrorCode.MALFORMED_JSON, "frame is not a JSON object");
    }
    Object type = json.getValue("type");
    if (!(type instanceof String t) || t.isEmpty()) {
      throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "frame has no string field 'type'");
    }
    Object ref = json.getValue("ref");
    if (ref != null && !(ref instanceof String r && isId(r))) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST,
          "'ref' must be a string of at most " + MAX_ID + " chars without control characters");
    }
    return new ClientFrame(t, (String) ref, json);
  }

  /** The frame's {@code clientMsgId} if it has a usable one (to echo it in errors), else null. */
  String clientMsgIdOrNull() {
    return json.getValue("clientMsgId") instanceof String s && isId(s) ? s : null;
  }

  /** An id a client chose: at most 64 chars of plain text (stored, logged and echoed as is). */
  private static boolean isId(String s) {
    return s.length() <= MAX_ID && Text.isPlain(s);
  }

  String room() {
    Object room = json.getValue("room");
    if (!(room instanceof String r) || !Rooms.isValid(r)) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, "'room' must match " + Rooms.ID.pattern());
    }
    return r;
  }

  String clientMsgId() {
    Object id = json.getValue("clientMsgId");
    if (!(id instanceof String s) || s.isEmpty() || !isId(s)) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, "'clientMsgId' must be a non-empty string of at most " + MAX_ID
          + " chars without control characters");
    }
    return s;
  }

  Object body() {
    Object body = json.getValue("body");
    if (body == null) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, "'body' is required (any JSON value but null)");
    }
    return body;
  }

  String token() {
    Object token = json.getValue("token");
    if (!(token instanceof String t)) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, "'token' must be a string");
    }
    return t;
  }

  /**
   * The optional {@code since: {seq, epoch}} of a join; null when absent. {@code seq} is an integer
   * from 0 to 2^53 - 1 (what a JavaScript client can hold exactly).
   */
  Since since() {
    Object since = json.getValue("since");
    if (since == null) {
      return null;
    }
    if (!(since instanceof JsonObject s) || !(s.getValue("seq") instanceof Number seq)
        || !(seq instanceof Integer || seq instanceof Long) || seq.longValue() < 0 || seq.longValue() > MAX_SEQ
        || (s.getValue("epoch") != null && !(s.getValue("epoch") instanceof String e && e.length() <= MAX_ID))) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST,
          "'since' must be {seq: integer from 0 to 2^53-1, epoch?: string of at most " + MAX_ID + " chars}");
    }
    return new Since(seq.longValue(), s.getString("epoch"));
  }

  record Since(long seq, String epoch) {
  }
}
