package io.switchboard.gateway.ws;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.common.protocol.CloseCode;
import io.switchboard.common.protocol.ErrorCode;
import io.switchboard.common.protocol.Frames;
import io.switchboard.gateway.auth.InvalidTokenException;
import io.switchboard.gateway.auth.Principal;
import io.switchboard.gateway.auth.RoomAction;
import io.switchboard.gateway.edge.Admission;
import io.switchboard.gateway.room.RoomStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: the protocol state machine (hello, refresh, join, leave, send, presence,
 * ping) with its checks in order — rate limits, frame and body limits, authentication, room
 * permissions — its room memberships, token expiry, keep-alive and bounded outbound buffer. Bad
 * frames get an {@code error} frame and the connection stays usable; the connection is closed
 * with a documented code for a rejected or expired token, a connection cap, or a client that keeps
 * sending over its rate limit. Runs on the event loop of its gateway instance; talks to the client
 * through a {@link ClientSocket}.
 */
public final class ClientSession {

  private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

  private final ClientSocket socket;
  private final SessionContext ctx;
  private final String id = UUID.randomUUID().toString();
  private final Map<String, RoomMembership> memberships = new HashMap<>();
  private final List<Runnable> drainWaiters = new ArrayList<>();
  private final Output output = new Output();
  private final Promise<Void> ended = Promise.promise();
  private final Bucket frames;
  /** The address whose unauthenticated slot this session holds until hello or close; null once released. */
  private String unauthenticatedIp;

  private Principal principal;
  private Admission.UserSlot userSlot;
  private boolean authenticating;
  private boolean closed;
  private int strikes;
  private long lastHeard;
  private long helloTimer = -1;
  private long pingTimer = -1;
  private long expiryTimer = -1;

  /**
   * @param unauthenticatedIp the address of the {@link Admission} slot this connection took
   *     before its upgrade, released on {@code hello} or close; null if it holds none
   */
  public ClientSession(ClientSocket socket, SessionContext ctx, String unauthenticatedIp) {
    this.socket = socket;
    this.ctx = ctx;
    this.unauthenticatedIp = unauthenticatedIp;
    this.frames = ctx.admission().frameBucket();
  }

  /** Starts the timers; the client has {@code helloTimeout} to say hello. */
  public void start() {
    lastHeard = ctx.clock().getAsLong();
    helloTimer = ctx.vertx().setTimer(ctx.options().helloTimeout().toMillis(), t -> {
      if (principal == null) {
        close(CloseCode.HELLO_TIMEOUT);
      }
    });
    long ping = ctx.options().pingInterval().toMillis();
    pingTimer = ctx.vertx().setPeriodic(ping, ping, t -> keepAlive());
  }

  int maxOutboundBytes() {
    return ctx.options().maxOutboundBytes();
  }

  /** The authenticated user, or null before {@code welcome}. */
  public String user() {
    return principal == null ? null : principal.user();
  }

  /** Rooms this connection has joined or is joining. */
  Set<String> rooms() {
    return memberships.keySet();
  }

  /** Completes once the connection is closed and everything it held is released. */
  public Future<Void> ended() {
    return ended.future();
  }

  /** Closes the socket with a documented close code. */
  public void close(CloseCode code) {
    if (!closed && socket.isOpen()) {
      log.atDebug().addKeyValue("session", id).addKeyValue("user", user()).addKeyValue("code", code.code()).log("closing");
      socket.close(code);
    }
  }

  /** One complete, valid UTF-8 text message from the client. */
  void onText(String text) {
    lastHeard = ctx.clock().getAsLong();
    ClientFrame frame;
    try {
      frame = ClientFrame.parse(text);
    } catch (ProtocolException e) {
      if (admitFrame(null, null)) {
        write(Frames.error(null, e.code(), e.getMessage()));
      }
      return;
    }
    String clientMsgId = "send".equals(frame.type()) ? frame.clientMsgIdOrNull() : null;
    if (!admitFrame(frame.ref(), clientMsgId)) {
      return;
    }
    int strikesBefore = strikes;
    try {
      if (text.length() > ctx.options().maxFrameChars()) {
        throw new ProtocolException(ErrorCode.TOO_LARGE,
            "frame is " + text.length() + " chars, limit " + ctx.options().maxFrameChars());
      }
      dispatch(frame);
    } catch (ProtocolException e) {
      write(withClientMsgId(Frames.error(frame.ref(), e.code(), e.getMessage()), clientMsgId));
    } catch (RuntimeException e) {
      log.atError().addKeyValue("session", id).addKeyValue("user", user()).addKeyValue("ref", frame.ref()).setCause(e)
          .log("unexpected failure handling a frame");
      write(Frames.error(frame.ref(), ErrorCode.INTERNAL, "internal error"));
    }
    if (strikes == strikesBefore) {
      strikes = 0; // a message that no limit refused: the client is within its rates again
    }
  }

  void onBinary() {
    lastHeard = ctx.clock().getAsLong();
    if (admitFrame(null, null)) {
      write(Frames.error(null, ErrorCode.BINARY_NOT_SUPPORTED, "send JSON text frames"));
    }
  }

  /** A WebSocket ping from the client: answered by the WebSocket layer, counted against the frame rate here. */
  void onPing() {
    lastHeard = ctx.clock().getAsLong();
    if (!frames.tryConsume(1)) {
      strike();
    }
  }

  void onPong() {
    lastHeard = ctx.clock().getAsLong();
  }

  /** The transport closed the connection because a frame broke the WebSocket protocol. */
  void closedForProtocol(CloseCode code) {
    security("protocol-violation", "closing: " + code.reason());
  }

  /**
   * Takes one token from the connection's frame bucket. Over the rate, the frame is dropped with a
   * {@code rate_limited} error (the client can wait {@code retryAfterMs}). Every frame refused by a
   * rate limit (this one or the user's send bucket) is a strike; a message that no limit refused
   * clears them, and a connection that reaches {@code maxRateLimitStrikes} is closed (4005).
   */
  private boolean admitFrame(String ref, String clientMsgId) {
    ConsumptionProbe probe = frames.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return true;
    }
    rateLimited(ref, clientMsgId, probe.getNanosToWaitForRefill(), "frames");
    return false;
  }

  private void rateLimited(String ref, String clientMsgId, long waitNanos, String what) {
    if (strike()) {
      long retryAfterMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos) + 1);
      write(withClientMsgId(Frames.error(ref, ErrorCode.RATE_LIMITED, "too many " + what + "; retry after "
          + retryAfterMs + " ms").put("retryAfterMs", retryAfterMs), clientMsgId));
    }
  }

  /** Counts a frame over the rate; closes the connection at the limit. True while the connection stays. */
  private boolean strike() {
    if (++strikes >= ctx.options().edge().maxRateLimitStrikes()) {
      security("rate-limit-close", "closing a connection that kept sending over its rate limit");
      close(CloseCode.RATE_LIMITED);
      return false;
    }
    return true;
  }

  private void dispatch(ClientFrame f) {
    switch (f.type()) {
      case "hello" -> hello(f);
      case "ping" -> write(Frames.pong(f.ref()));
      case "join", "leave", "send", "presence", "refresh" -> {
        if (principal == null) {
          throw new ProtocolException(ErrorCode.NOT_AUTHENTICATED, "say hello first and wait for welcome");
        }
        switch (f.type()) {
          case "join" -> join(f);
          case "leave" -> leave(f);
          case "send" -> send(f);
          case "refresh" -> refresh(f);
          default -> presence(f);
        }
      }
      default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + f.type() + "'");
    }
  }

  private void hello(ClientFrame f) {
    if (principal != null || authenticating) {
      throw new ProtocolException(ErrorCode.ALREADY_AUTHENTICATED, "hello was already sent on this connection");
    }
    String token = f.token();
    authenticating = true;
    ctx.tokens().verify(token).onComplete(ar -> {
      authenticating = false;
      if (closed) {
        return;
      }
      if (ar.failed()) {
        String reason = reason(ar.cause());
        security("invalid-token", "hello token rejected: " + reason);
        write(Frames.error(f.ref(), ErrorCode.INVALID_TOKEN, "token rejected: " + reason));
        close(CloseCode.INVALID_TOKEN);
        return;
      }
      Principal p = ar.result();
      Admission.UserSlot slot = ctx.admission().admitUser(p.user());
      if (slot == null) {
        security("connection-cap", "user " + p.user() + " is at its connection limit");
        write(Frames.error(f.ref(), ErrorCode.TOO_MANY_CONNECTIONS, "user " + p.user() + " already holds "
            + ctx.options().edge().maxConnectionsPerUser() + " connections on this gateway"));
        close(CloseCode.TOO_MANY_CONNECTIONS);
        return;
      }
      userSlot = slot;
      principal = p;
      releaseUnauthenticated();
      ctx.vertx().cancelTimer(helloTimer);
      scheduleExpiry();
      write(Frames.welcome(f.ref(), p.user(), id, ctx.options().pingInterval().toMillis(),
          p.expires() ? p.expiresAt() : null));
    });
  }

  /** A fresh token for the same user: replaces the current one (expiry and grants) without reconnecting. */
  private void refresh(ClientFrame f) {
    String token = f.token();
    ctx.tokens().verify(token).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        write(Frames.error(f.ref(), ErrorCode.INVALID_TOKEN, "refresh token rejected: " + reason(ar.cause())
            + "; the connection keeps its current token"));
        return;
      }
      Principal p = ar.result();
      if (!p.user().equals(principal.user())) {
        write(Frames.error(f.ref(), ErrorCode.INVALID_TOKEN, "a refresh token must be for the same user ("
            + principal.user() + "); the connection keeps its current token"));
        return;
      }
      principal = p;
      scheduleExpiry();
      revokeLostRooms();
      write(Frames.refreshed(f.ref(), p.expires() ? p.expiresAt() : null));
    });
  }

  private void scheduleExpiry() {
    if (expiryTimer >= 0) {
      ctx.vertx().cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
    if (principal.expires()) {
      long delay = principal.expiresAt() - ctx.clock().getAsLong();
      if (delay <= 0) {
        close(CloseCode.TOKEN_EXPIRED);
      } else {
        expiryTimer = ctx.vertx().setTimer(delay, t -> close(CloseCode.TOKEN_EXPIRED));
      }
    }
  }

  /** After a refresh: rooms the new token no longer allows to join are left, each with a {@code forbidden} error. */
  private void revokeLostRooms() {
    for (RoomMembership m : List.copyOf(memberships.values())) {
      Set<RoomAction> rights = ctx.policy().rights(principal, m.room());
      if (rights.contains(RoomAction.JOIN)) {
        m.rights(rights);
      } else {
        drop(m);
        write(Frames.error(null, ErrorCode.FORBIDDEN, "the refreshed token no longer allows room " + m.room()
            + "; it was left").put("room", m.room()));
      }
    }
  }

  private void join(ClientFrame f) {
    String room = f.room();
    ClientFrame.Since since = f.since();
    Set<RoomAction> rights = ctx.policy().rights(principal, room);
    if (!rights.contains(RoomAction.JOIN)) {
      throw forbidden(RoomAction.JOIN, room);
    }
    RoomMembership existing = memberships.get(room);
    if (existing != null) {
      existing.rejoined(f.ref()).onComplete(ar -> {
        if (ar.succeeded()) {
          write(ar.result());
        } else {
          failure(f.ref(), null, ar.cause());
        }
      });
      return;
    }
    if (memberships.size() >= ctx.options().maxRoomsPerConnection()) {
      throw new ProtocolException(ErrorCode.TOO_MANY_ROOMS, "limit is " + ctx.options().maxRoomsPerConnection());
    }
    RoomMembership membership = new RoomMembership(output, room, principal.user(), rights, ctx.history(),
        ctx.options().historyPageSize(), ctx.options().maxHeldMessages());
    remember(membership);
    ctx.streams().join(room, membership).onComplete(ar -> {
      if (closed || memberships.get(room) != membership) {
        // Left (or closed) before the owner answered.
        ctx.streams().leave(room, membership);
        membership.failStart(RoomMembership.leftBeforeJoined(room));
        failure(f.ref(), null, RoomMembership.leftBeforeJoined(room));
      } else if (ar.failed()) {
        forget(membership);
        membership.failStart(ar.cause());
        failure(f.ref(), null, ar.cause());
      } else {
        RoomStream stream = ar.result();
        membership.start(f.ref(), stream.lastSeq(), stream.epoch(), since);
      }
    });
  }

  private void leave(ClientFrame f) {
    String room = f.room();
    RoomMembership membership = memberships.get(room);
    if (membership == null) {
      throw new ProtocolException(ErrorCode.NOT_JOINED, "room " + room + " is not joined");
    }
    drop(membership);
    write(Frames.left(f.ref(), room));
  }

  private void drop(RoomMembership membership) {
    membership.close();
    forget(membership);
  }

  /** A new membership: in the session's rooms (and this gateway's presence) from its join request on. */
  private void remember(RoomMembership membership) {
    memberships.put(membership.room(), membership);
    ctx.presenceReports().joined(membership.room(), principal.user());
  }

  /** The membership is over: out of the session's rooms, the room's stream and presence. */
  private void forget(RoomMembership membership) {
    if (memberships.remove(membership.room(), membership)) {
      ctx.streams().leave(membership.room(), membership);
      ctx.presenceReports().left(membership.room(), principal.user());
    }
  }

  private void send(ClientFrame f) {
    String room = f.room();
    String clientMsgId = f.clientMsgId();
    Object body = f.body();
    ctx.options().body().check(body);
    RoomMembership membership = memberships.get(room);
    if (membership == null) {
      throw new ProtocolException(ErrorCode.NOT_JOINED, "join room " + room + " before sending to it");
    }
    if (!membership.may(RoomAction.SEND)) {
      throw forbidden(RoomAction.SEND, room);
    }
    ConsumptionProbe probe = userSlot.sends().tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      rateLimited(f.ref(), clientMsgId, probe.getNanosToWaitForRefill(), "messages from user " + principal.user());
      return;
    }
    ctx.rooms().send(room, principal.user(), clientMsgId, body).onComplete(ar -> {
      if (ar.succeeded()) {
        write(Frames.ack(f.ref(), room, clientMsgId, ar.result()));
      } else {
        failure(f.ref(), clientMsgId, ar.cause());
      }
    });
  }

  private void presence(ClientFrame f) {
    String room = f.room();
    if (!ctx.policy().allows(principal, room, RoomAction.PRESENCE)) {
      throw forbidden(RoomAction.PRESENCE, room);
    }
    ctx.presence().query(room).onComplete(ar -> {
      if (ar.succeeded()) {
        write(Frames.presence(f.ref(), room, ar.result()));
      } else {
        failure(f.ref(), null, ar.cause());
      }
    });
  }

  private ProtocolException forbidden(RoomAction action, String room) {
    security("forbidden", "refused " + action.wire() + " on " + room);
    return new ProtocolException(ErrorCode.FORBIDDEN, "not allowed to " + action.wire() + " room " + room);
  }

  /** Writes a reply or control frame. */
  private void write(JsonObject frame) {
    if (open()) {
      socket.write(frame.encode());
    }
  }

  /** Not closed by us and not by the peer: writing to a socket the peer already closed would fail. */
  private boolean open() {
    return !closed && socket.isOpen();
  }

  /** Writes a live message (an encoded frame); a socket whose outbound buffer is full is a slow consumer and is closed. */
  private void push(String frame) {
    if (!open()) {
      return;
    }
    if (socket.writeQueueFull()) {
      log.atInfo().addKeyValue("session", id).addKeyValue("user", user()).log("slow consumer disconnected");
      close(CloseCode.SLOW_CONSUMER);
      return;
    }
    socket.write(frame);
  }

  /** Runs {@code next} now if the outbound buffer has room, else once it drains. */
  private void whenWritable(Runnable next) {
    if (!open()) {
      return;
    }
    if (socket.writeQueueFull()) {
      drainWaiters.add(next);
    } else {
      ctx.vertx().runOnContext(v -> next.run());
    }
  }

  void onDrain() {
    List<Runnable> waiting = List.copyOf(drainWaiters);
    drainWaiters.clear();
    waiting.forEach(Runnable::run);
  }

  private static JsonObject withClientMsgId(JsonObject error, String clientMsgId) {
    return clientMsgId == null ? error : error.put("clientMsgId", clientMsgId);
  }

  private void failure(String ref, String clientMsgId, Throwable cause) {
    ErrorCode code = ErrorCodes.of(cause);
    if (code == ErrorCode.INTERNAL) {
      log.atError().addKeyValue("session", id).addKeyValue("user", user()).addKeyValue("ref", ref).setCause(cause)
          .log("request failed");
    }
    write(withClientMsgId(Frames.error(ref, code, String.valueOf(cause.getMessage())), clientMsgId));
  }

  private static String reason(Throwable cause) {
    return cause instanceof InvalidTokenException ? cause.getMessage() : "not accepted";
  }

  /** A security-relevant event a client caused: one WARN line without a stack, rate-limited per kind. */
  private void security(String kind, String message) {
    long suppressed = ctx.logLimiter().acquire(kind);
    if (suppressed != LogLimiter.DENIED) {
      log.atWarn().addKeyValue("session", id).addKeyValue("user", user()).addKeyValue("event", kind)
          .addKeyValue("suppressed", suppressed).log(message);
    }
  }

  private void keepAlive() {
    if (ctx.clock().getAsLong() - lastHeard > ctx.options().pongTimeout().toMillis()) {
      close(CloseCode.NO_PONG);
      return;
    }
    if (open()) {
      socket.ping();
    }
  }

  private void releaseUnauthenticated() {
    if (unauthenticatedIp != null) {
      ctx.admission().releaseUnauthenticated(unauthenticatedIp);
      unauthenticatedIp = null;
    }
  }

  void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    ctx.vertx().cancelTimer(helloTimer);
    ctx.vertx().cancelTimer(pingTimer);
    ctx.vertx().cancelTimer(expiryTimer);
    List.copyOf(memberships.values()).forEach(this::drop);
    drainWaiters.clear();
    releaseUnauthenticated();
    if (userSlot != null) {
      userSlot.release();
      userSlot = null;
    }
    ended.complete();
  }

  /** What this session's room memberships write to. */
  private final class Output implements MembershipOutput {

    @Override
    public void write(JsonObject frame) {
      ClientSession.this.write(frame);
    }

    @Override
    public void push(String frame) {
      ClientSession.this.push(frame);
    }

    @Override
    public void whenWritable(Runnable next) {
      ClientSession.this.whenWritable(next);
    }

    @Override
    public void ended(String room, JsonObject error) {
      RoomMembership membership = memberships.get(room);
      if (membership != null) {
        forget(membership);
      }
      ClientSession.this.write(error);
    }
  }
}
