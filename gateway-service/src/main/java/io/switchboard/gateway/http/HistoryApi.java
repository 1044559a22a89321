package io.switchboard.gateway.http;

import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.HistoryReader;
import io.switchboard.common.protocol.ErrorCode;
import io.switchboard.common.protocol.Frames;
import io.switchboard.common.protocol.Rooms;
import io.switchboard.gateway.auth.InvalidTokenException;
import io.switchboard.gateway.auth.Principal;
import io.switchboard.gateway.auth.RoomAction;
import io.switchboard.gateway.auth.RoomPolicy;
import io.switchboard.gateway.auth.TokenVerifier;
import io.switchboard.gateway.ws.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/rooms/:room/messages?after=|before=&limit=}: pages through a room's history,
 * forwards or backwards, for infinite scroll. The same tokens, room policy ({@code history}) and
 * error codes as the WebSocket protocol (docs/protocol.md, "HTTP history API").
 */
public final class HistoryApi {

  /** Default and largest page size. */
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  private final HistoryReader history;
  private final TokenVerifier tokens;
  private final RoomPolicy policy;

  public HistoryApi(HistoryReader history, TokenVerifier tokens, RoomPolicy policy) {
    this.history = history;
    this.tokens = tokens;
    this.policy = policy;
  }

  public void handle(RoutingContext rc) {
    String auth = rc.request().getHeader("Authorization");
    if (auth == null || !auth.startsWith("Bearer ")) {
      unauthorized(rc, "send 'Authorization: Bearer <token>'");
      return;
    }
    tokens.verify(auth.substring(7)).onComplete(ar -> {
      if (ar.failed()) {
        unauthorized(rc, "token rejected: "
            + (ar.cause() instanceof InvalidTokenException ? ar.cause().getMessage() : "not accepted"));
      } else {
        authorised(rc, ar.result());
      }
    });
  }

  private static void unauthorized(RoutingContext rc, String message) {
    rc.response().putHeader("WWW-Authenticate", "Bearer");
    HttpErrors.send(rc, 401, ErrorCode.INVALID_TOKEN, message);
  }

  private void authorised(RoutingContext rc, Principal who) {
    String room = rc.pathParam("room");
    if (!Rooms.isValid(room)) {
      HttpErrors.send(rc, 400, ErrorCode.BAD_REQUEST, "room must match " + Rooms.ID.pattern());
      return;
    }
    if (!policy.allows(who, room, RoomAction.HISTORY)) {
      HttpErrors.send(rc, 403, ErrorCode.FORBIDDEN, "not allowed to read the history of room " + room);
      return;
    }
    Long after;
    Long before;
    int limit;
    try {
      after = longParam(rc, "after", 0);
      before = longParam(rc, "before", 1);
      Long l = longParam(rc, "limit", 1);
      limit = (int) Math.min(MAX_LIMIT, l == null ? DEFAULT_LIMIT : l);
    } catch (IllegalArgumentException e) {
      HttpErrors.send(rc, 400, ErrorCode.BAD_REQUEST, e.getMessage());
      return;
    }
    if (after != null && before != null) {
      HttpErrors.send(rc, 400, ErrorCode.BAD_REQUEST, "give 'after' or 'before', not both");
      return;
    }
    Future<HistoryPage> page = before != null
        ? history.before(room, before, limit)
        : after != null ? history.after(room, after, limit) : history.before(room, Long.MAX_VALUE, limit);
    page.onSuccess(p -> {
      JsonArray messages = new JsonArray();
      p.messages().forEach(m -> messages.add(Frames.message(m)));
      rc.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
          .end(new JsonObject().put("room", room).put("epoch", p.epoch()).put("top", p.top())
              .put("firstSeq", p.firstSeq()).put("messages", messages).encode());
    }).onFailure(e -> {
      ErrorCode code = ErrorCodes.of(e);
      if (code != ErrorCode.TIMEOUT) {
        code = ErrorCode.UNAVAILABLE;
      }
      HttpErrors.send(rc, ErrorCodes.httpStatus(code), code, "history service: " + e.getMessage());
    });
  }

  private static Long longParam(RoutingContext rc, String name, long min) {
    String v = rc.queryParams().get(name);
    if (v == null) {
      return null;
    }
    try {
      long n = Long.parseLong(v);
      if (n < min) {
        throw new IllegalArgumentException("'" + name + "' must be at least " + min);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + name + "' must be an integer");
    }
  }
}
