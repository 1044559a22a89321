package io.switchboard.common.protocol;

/**
 * WebSocket close codes the gateway uses. 1000-1999 are the WebSocket standard's own. 4000-4499:
 * the client should reconnect (with backoff and {@code since}); 4500-4999: it should not reconnect
 * without changing something (token, protocol version). Documented in docs/protocol.md.
 */
public enum CloseCode {
  NORMAL(1000, "normal closure"),
  PROTOCOL_ERROR(1002, "a frame broke the WebSocket protocol"),
  INVALID_PAYLOAD(1007, "a text frame was not valid UTF-8"),
  MESSAGE_TOO_BIG(1009, "a frame exceeded the WebSocket maximum message size"),
  SHUTDOWN(4000, "gateway shutting down"),
  SLOW_CONSUMER(4001, "outbound buffer full: the client reads too slowly"),
  NO_PONG(4002, "no pong or frame within the keep-alive time-out"),
  HELLO_TIMEOUT(4003, "no hello within the hello time-out"),
  TOKEN_EXPIRED(4004, "the token expired: reconnect with a fresh token"),
  RATE_LIMITED(4005, "kept sending over the rate limit"),
  TOO_MANY_CONNECTIONS(4006, "the user holds too many connections on this gateway"),
  INVALID_TOKEN(4500, "the token was rejected"),
  UNSUPPORTED_VERSION(4501, "protocol version not supported");

  private final short code;
  private final String reason;

  CloseCode(int code, String reason) {
    this.code = (short) code;
    this.reason = reason;
  }

  public short code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /** Whether a client should reconnect after this close. */
  public boolean reconnect() {
    return code < 4500;
  }
}
