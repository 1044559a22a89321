package io.switchboard.gateway.ws;

import io.switchboard.common.bus.BusError;
import io.switchboard.common.protocol.CloseCode;
import io.switchboard.common.protocol.ErrorCode;
import io.switchboard.common.protocol.Frames;
import io.switchboard.gateway.room.RoomStream;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One client WebSocket: the protocol state machine (hello, join, leave, send, presence, ping),
 * its room memberships, keep-alive and a bounded outbound buffer. Bad frames get an {@code error}
 * frame and the connection stays usable. Runs on the event loop of its gateway instance.
 */
public final class ClientSession {

  private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

  private final ServerWebSocket ws;
  private final SessionContext ctx;
  private final String id = UUID.randomUUID().toString();
  private final Map<String, RoomMembership> memberships = new HashMap<>();
  private final List<Runnable> drainWaiters = new ArrayList<>();

  private String user;
  private boolean closed;
  private long lastHeard;
  private long helloTimer;
  private long pingTimer;

  public ClientSession(ServerWebSocket ws, SessionContext ctx) {
    this.ws = ws;
    this.ctx = ctx;
  }

  /** Installs the handlers and timers; the client has {@code helloTimeout} to say hello. */
  public void start() {
    ctx.sessions().add(this);
    lastHeard = System.currentTimeMillis();
    ws.setWriteQueueMaxSize(ctx.options().maxOutboundBytes());
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> error(null, ErrorCode.BINARY_NOT_SUPPORTED, "send JSON text frames"));
    ws.pongHandler(b -> lastHeard = System.currentTimeMillis());
    ws.exceptionHandler(e -> log.atDebug().addKeyValue("session", id).log("socket error: {}", e.toString()));
    ws.closeHandler(v -> onClosed());
    ws.drainHandler(v -> onDrain());
    helloTimer = ctx.vertx().setTimer(ctx.options().helloTimeout().toMillis(), t -> {
      if (user == null) {
        close(CloseCode.HELLO_TIMEOUT);
      }
    });
    long ping = ctx.options().pingInterval().toMillis();
    pingTimer = ctx.vertx().setPeriodic(ping, ping, t -> keepAlive());
  }

  public String user() {
    return user;
  }

  /** Rooms this session has joined (for presence reports). */
  public Set<String> rooms() {
    return memberships.keySet();
  }

  /** Closes the socket with a documented close code. */
  public void close(CloseCode code) {
    if (!closed) {
      log.atDebug().addKeyValue("session", id).addKeyValue("user", user).addKeyValue("code", code.code()).log("closing");
      ws.close(code.code(), code.reason());
    }
  }

  private void onText(String text) {
    lastHeard = System.currentTimeMillis();
    String ref = null;
    ClientFrame frame = null;
    try {
      frame = ClientFrame.parse(text);
      ref = frame.ref();
      if (text.length() > ctx.options().maxFrameChars()) {
        throw new ProtocolException(ErrorCode.TOO_LARGE,
            "frame is " + text.length() + " chars, limit " + ctx.options().maxFrameChars());
      }
      dispatch(frame);
    } catch (ProtocolException e) {
      JsonObject error = Frames.error(ref, e.code(), e.getMessage());
      String clientMsgId = frame == null ? null : frame.clientMsgIdOrNull();
      if (clientMsgId != null && "send".equals(frame.type())) {
        error.put("clientMsgId", clientMsgId);
      }
      write(error);
    } catch (RuntimeException e) {
      log.atError().addKeyValue("session", id).addKeyValue("user", user).addKeyValue("ref", ref).setCause(e)
          .log("unexpected failure handling a frame");
      error(ref, ErrorCode.INTERNAL, "internal error");
    }
  }

  private void dispatch(ClientFrame f) {
    switch (f.type()) {
      case "hello" -> hello(f);
      case "ping" -> write(Frames.pong(f.ref()));
      case "join", "leave", "send", "presence" -> {
        if (user == null) {
          throw new ProtocolException(ErrorCode.NOT_AUTHENTICATED, "say hello first");
        }
        switch (f.type()) {
          case "join" -> join(f);
          case "leave" -> leave(f);
          case "send" -> send(f);
          default -> presence(f);
        }
      }
      default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + f.type() + "'");
    }
  }

  private void hello(ClientFrame f) {
    if (user != null) {
      throw new ProtocolException(ErrorCode.ALREADY_AUTHENTICATED, "hello was already accepted");
    }
    String token = f.token();
    var verified = ctx.tokens().verify(token);
    if (verified.isEmpty()) {
      error(f.ref(), ErrorCode.INVALID_TOKEN, "token rejected");
      close(CloseCode.INVALID_TOKEN);
      return;
    }
    user = verified.get();
    ctx.vertx().cancelTimer(helloTimer);
    write(Frames.welcome(f.ref(), user, id, ctx.options().pingInterval().toMillis()));
  }

  private void join(ClientFrame f) {
    String room = f.room();
    ClientFrame.Since since = f.since();
    RoomMembership existing = memberships.get(room);
    if (existing != null) {
      // Already joined (or joining): answer with the position once it is known, replay nothing.
      existing.started().onComplete(ar -> {
        if (ar.succeeded()) {
          write(Frames.joined(f.ref(), room, existing.nextSeq() - 1, existing.epoch(), null));
        } else {
          failure(f.ref(), null, ar.cause());
        }
      });
      return;
    }
    if (memberships.size() >= ctx.options().maxRoomsPerConnection()) {
      throw new ProtocolException(ErrorCode.TOO_MANY_ROOMS, "limit is " + ctx.options().maxRoomsPerConnection());
    }
    RoomMembership membership = new RoomMembership(this, room, ctx.history(), ctx.options().historyPageSize(),
        ctx.options().maxHeldMessages());
    memberships.put(room, membership);
    ctx.streams().join(room, membership).onComplete(ar -> {
      if (closed || memberships.get(room) != membership) {
        ctx.streams().leave(room, membership);
        return;
      }
      if (ar.failed()) {
        memberships.remove(room);
        ctx.streams().leave(room, membership);
        membership.failStart(ar.cause());
        failure(f.ref(), null, ar.cause());
        return;
      }
      ctx.presenceReports().changed();
      RoomStream stream = ar.result();
      long top = stream.lastSeq();
      if (since == null) {
        write(Frames.joined(f.ref(), room, top, stream.epoch(), null));
        membership.startLive(top, stream.epoch());
      } else if (since.epoch() != null && !since.epoch().equals(stream.epoch())) {
        // A different lineage: the client's seqs mean nothing here; say so and continue live.
        write(Frames.joined(f.ref(), room, top, stream.epoch(), false));
        write(Frames.recovered(room, top, stream.epoch(), false, List.of()));
        membership.startLive(top, stream.epoch());
      } else {
        write(Frames.joined(f.ref(), room, top, stream.epoch(), true));
        membership.startRecovery(since.seq(), stream.epoch());
      }
    });
  }

  private void leave(ClientFrame f) {
    String room = f.room();
    RoomMembership membership = memberships.remove(room);
    if (membership == null) {
      throw new ProtocolException(ErrorCode.NOT_JOINED, "room " + room + " is not joined");
    }
    membership.close();
    ctx.streams().leave(room, membership);
    ctx.presenceReports().changed();
    write(Frames.left(f.ref(), room));
  }

  private void send(ClientFrame f) {
    String room = f.room();
    String clientMsgId = f.clientMsgId();
    Object body = f.body();
    if (!memberships.containsKey(room)) {
      throw new ProtocolException(ErrorCode.NOT_JOINED, "join room " + room + " before sending to it");
    }
    ctx.rooms().send(room, user, clientMsgId, body).onComplete(ar -> {
      if (ar.succeeded()) {
        write(Frames.ack(f.ref(), room, clientMsgId, ar.result()));
      } else {
        failure(f.ref(), clientMsgId, ar.cause());
      }
    });
  }

  private void presence(ClientFrame f) {
    String room = f.room();
    ctx.presence().query(room).onComplete(ar -> {
      if (ar.succeeded()) {
        write(Frames.presence(f.ref(), room, ar.result()));
      } else {
        failure(f.ref(), null, ar.cause());
      }
    });
  }

  /** Writes a reply or control frame. */
  void write(JsonObject frame) {
    if (open()) {
      ws.writeTextMessage(frame.encode());
    }
  }

  /**
   * Not closed by us and not by the peer: the socket can be closed (a close frame or a reset
   * arrived) a moment before its close handler runs, and writing to it then throws.
   */
  private boolean open() {
    return !closed && !ws.isClosed();
  }

  /** Writes a live message (an encoded frame); a socket whose outbound buffer is full is a slow consumer and is closed. */
  void push(String frame) {
    if (!open()) {
      return;
    }
    if (ws.writeQueueFull()) {
      log.atInfo().addKeyValue("session", id).addKeyValue("user", user).log("slow consumer disconnected");
      close(CloseCode.SLOW_CONSUMER);
      return;
    }
    ws.writeTextMessage(frame);
  }

  /** Runs {@code next} now if the outbound buffer has room, else once it drains. */
  void whenWritable(Runnable next) {
    if (!open()) {
      return;
    }
    if (ws.writeQueueFull()) {
      drainWaiters.add(next);
    } else {
      ctx.vertx().runOnContext(v -> next.run());
    }
  }

  void recoveryFailed(String room, Throwable cause) {
    RoomMembership membership = memberships.remove(room);
    if (membership != null) {
      membership.close();
      ctx.streams().leave(room, membership);
    }
    write(Frames.error(null, ErrorCode.UNAVAILABLE, "history unavailable while recovering room " + room
        + "; join again with the same since").put("room", room));
  }

  private void onDrain() {
    List<Runnable> waiting = List.copyOf(drainWaiters);
    drainWaiters.clear();
    waiting.forEach(Runnable::run);
  }

  private void error(String ref, ErrorCode code, String message) {
    write(Frames.error(ref, code, message));
  }

  private void failure(String ref, String clientMsgId, Throwable cause) {
    ErrorCode code;
    if (cause instanceof OpenCircuitException) {
      code = ErrorCode.UNAVAILABLE;
    } else if (BusError.isTimeout(cause)) {
      code = ErrorCode.TIMEOUT;
    } else {
      code = switch (BusError.of(cause)) {
        case OVERLOADED -> ErrorCode.OVERLOADED;
        case UNAVAILABLE, NOT_OWNER -> ErrorCode.UNAVAILABLE;
        case BAD_REQUEST -> ErrorCode.BAD_REQUEST;
        default -> ErrorCode.INTERNAL;
      };
    }
    if (code == ErrorCode.INTERNAL) {
      log.atError().addKeyValue("session", id).addKeyValue("user", user).addKeyValue("ref", ref).setCause(cause)
          .log("request failed");
    }
    JsonObject frame = Frames.error(ref, code, String.valueOf(cause.getMessage()));
    if (clientMsgId != null) {
      frame.put("clientMsgId", clientMsgId);
    }
    write(frame);
  }

  private void keepAlive() {
    if (System.currentTimeMillis() - lastHeard > ctx.options().pongTimeout().toMillis()) {
      close(CloseCode.NO_PONG);
      return;
    }
    if (!closed) {
      ws.writePing(Buffer.buffer("sb"));
    }
  }

  private void onClosed() {
    closed = true;
    ctx.vertx().cancelTimer(helloTimer);
    ctx.vertx().cancelTimer(pingTimer);
    memberships.forEach((room, m) -> {
      m.close();
      ctx.streams().leave(room, m);
    });
    drainWaiters.clear();
    ctx.sessions().remove(this);
    if (!memberships.isEmpty()) {
      memberships.clear();
      ctx.presenceReports().changed();
    }
  }
}
