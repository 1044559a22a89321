package io.switchboard.common.protocol;

import java.util.Locale;

/**
 * Error codes of {@code error} frames. {@code temporary} tells the client whether retrying the
 * same request (with the same {@code clientMsgId}) can succeed. Documented in docs/protocol.md.
 */
public enum ErrorCode {
  MALFORMED_JSON(false, "The frame is not a JSON object."),
  UNKNOWN_TYPE(false, "The frame has no `type`, or a type this protocol version does not know."),
  BAD_REQUEST(false, "A field is missing or invalid; `message` names it."),
  BINARY_NOT_SUPPORTED(false, "Binary frames are not part of the protocol; send JSON text frames."),
  NOT_AUTHENTICATED(false, "Only `hello` and `ping` are allowed before `welcome`."),
  ALREADY_AUTHENTICATED(false, "A second `hello` on the same connection."),
  INVALID_TOKEN(false, "The token was rejected."),
  FORBIDDEN(false, "The connection's token does not grant this action on this room."),
  NOT_JOINED(false, "The room is not joined on this connection."),
  TOO_LARGE(false, "The frame or the message body exceeds a gateway limit."),
  TOO_MANY_ROOMS(false, "The connection already joined the maximum number of rooms."),
  UNPROCESSABLE(false, "The room or history service cannot process this message as sent; it was not stored."),
  RATE_LIMITED(true, "Over a rate limit; retry after `retryAfterMs` with the same `clientMsgId`."),
  TOO_MANY_CONNECTIONS(true, "The user already holds the maximum number of connections on this gateway."),
  OVERLOADED(true, "The room's queue is full; retry later with the same `clientMsgId`."),
  TIMEOUT(true, "The room service did not answer in time; the outcome is unknown, retry with the same `clientMsgId`."),
  UNAVAILABLE(true, "A service the request needs is down or its circuit breaker is open; retry later."),
  INTERNAL(true, "An unexpected server error; it was logged with the `ref`.");

  private final boolean temporary;
  private final String description;

  ErrorCode(boolean temporary, String description) {
    this.temporary = temporary;
    this.description = description;
  }

  /** The code as it appears on the wire, e.g. {@code not_joined}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean temporary() {
    return temporary;
  }

  public String description() {
    return description;
  }
}
