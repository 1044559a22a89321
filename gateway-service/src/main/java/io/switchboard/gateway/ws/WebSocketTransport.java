package io.switchboard.gateway.ws;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.switchboard.common.protocol.CloseCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Binds a {@link ClientSession} to its {@link ServerWebSocket}. It reassembles fragmented messages
 * itself (at most {@code maxMessageBytes}), so that it can refuse what Vert.x would let through or
 * only drop: a text message that is not valid UTF-8 closes with 1007, an oversized message with
 * 1009, and any frame Netty's decoder refuses (a compressed frame, since no extension is
 * negotiated; a frame over the size limit) with the close code that decoder names, not an abrupt
 * reset.
 */
public final class WebSocketTransport implements ClientSocket {

  private static final Logger log = LoggerFactory.getLogger(WebSocketTransport.class);
  private static final Buffer PING = Buffer.buffer("sb");

  private final ServerWebSocket ws;
  private final int maxMessageBytes;
  private ClientSession session;
  private Buffer partial;
  private boolean partialIsText;
  private boolean closing;

  public WebSocketTransport(ServerWebSocket ws, int maxMessageBytes) {
    this.ws = ws;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Routes the socket's events to {@code s} and starts it. */
  public void bind(ClientSession s) {
    this.session = s;
    ws.setWriteQueueMaxSize(s.maxOutboundBytes());
    ws.frameHandler(this::onFrame);
    ws.exceptionHandler(this::onException);
    ws.closeHandler(v -> s.onClosed());
    ws.drainHandler(v -> s.onDrain());
    s.start();
  }

  private void onFrame(WebSocketFrame frame) {
    if (closing) {
      return;
    }
    switch (frame.type()) {
      case TEXT, BINARY -> {
        if (frame.isFinal()) {
          deliver(frame.type() == io.vertx.core.http.WebSocketFrameType.TEXT, frame.binaryData());
        } else {
          partial = Buffer.buffer().appendBuffer(frame.binaryData());
          partialIsText = frame.type() == io.vertx.core.http.WebSocketFrameType.TEXT;
          checkSize(partial);
        }
      }
      case CONTINUATION -> {
        if (partial == null) {
          return; // Netty refuses a continuation without a start; nothing to add to
        }
        partial.appendBuffer(frame.binaryData());
        if (checkSize(partial) && frame.isFinal()) {
          Buffer whole = partial;
          partial = null;
          deliver(partialIsText, whole);
        }
      }
      case PING -> session.onPing();
      case PONG -> session.onPong();
      default -> {
        // CLOSE: Vert.x answers it and then reports the close
      }
    }
  }

  private boolean checkSize(Buffer message) {
    if (message.length() > maxMessageBytes) {
      partial = null;
      closeWith(CloseCode.MESSAGE_TOO_BIG);
      return false;
    }
    return true;
  }

  private void deliver(boolean text, Buffer data) {
    if (!text) {
      session.onBinary();
      return;
    }
    String s = data.toString(StandardCharsets.UTF_8);
    // The decoder replaces malformed input with U+FFFD; only then is a strict check needed.
    if (s.indexOf('\uFFFD') >= 0 && !isValidUtf8(data)) {
      closeWith(CloseCode.INVALID_PAYLOAD);
      return;
    }
    session.onText(s);
  }

  private static boolean isValidUtf8(Buffer data) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(data.getBytes()));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private void onException(Throwable e) {
    if (e instanceof CorruptedWebSocketFrameException corrupt) {
      int status = corrupt.closeStatus().code();
      closeWith(status == CloseCode.MESSAGE_TOO_BIG.code() ? CloseCode.MESSAGE_TOO_BIG
          : status == CloseCode.INVALID_PAYLOAD.code() ? CloseCode.INVALID_PAYLOAD : CloseCode.PROTOCOL_ERROR);
    }
    log.atDebug().log("socket error: {}", e.toString());
  }

  private void closeWith(CloseCode code) {
    if (!closing) {
      closing = true;
      session.closedForProtocol(code);
      close(code);
    }
  }

  @Override
  public void write(String text) {
    ws.writeTextMessage(text);
  }

  @Override
  public void ping() {
    ws.writePing(PING);
  }

  @Override
  public void close(CloseCode code) {
    closing = true;
    if (!ws.isClosed()) {
      ws.close(code.code(), code.reason());
    }
  }

  @Override
  public boolean writeQueueFull() {
    return ws.writeQueueFull();
  }

  @Override
  public boolean isOpen() {
    return !ws.isClosed();
  }
}
