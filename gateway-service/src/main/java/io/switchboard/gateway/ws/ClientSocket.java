package io.switchboard.gateway.ws;

import io.switchboard.common.protocol.CloseCode;

/**
 * What a {@link ClientSession} writes to: the client's WebSocket ({@link WebSocketTransport}) in the
 * gateway, a recording fake in tests. Event-loop confined like the session.
 */
public interface ClientSocket {

  /** Writes one text frame. */
  void write(String text);

  /** Sends a WebSocket ping. */
  void ping();

  /** Closes with a close frame carrying {@code code} and its reason. */
  void close(CloseCode code);

  /** True when the outbound buffer is full: a live message now would make the client a slow consumer. */
  boolean writeQueueFull();

  /** False once closed by either side (a write would fail). */
  boolean isOpen();
}
