package io.switchboard.gateway.http;

import io.switchboard.common.bus.BusError;
import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.protocol.ErrorCode;
import io.switchboard.common.protocol.Frames;
import io.switchboard.common.protocol.Rooms;
import io.switchboard.gateway.auth.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/**
 * {@code GET /api/v1/rooms/:room/messages?after=|before=&limit=}: pages through a room's history,
 * forwards or backwards, for infinite scroll. Same token and the same error codes as the
 * WebSocket protocol (docs/protocol.md, "HTTP history API").
 */
public final class HistoryApi {

  /** Default and largest page size. */
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  private final MessageStore history;
  private final TokenVerifier tokens;

  public HistoryApi(MessageStore history, TokenVerifier tokens) {
    this.history = history;
    this.tokens = tokens;
  }

  public void handle(RoutingContext rc) {
    String auth = rc.request().getHeader("Authorization");
    Optional<String> user = auth != null && auth.startsWith("Bearer ") ? tokens.verify(auth.substring(7)) : Optional.empty();
    if (user.isEmpty()) {
      rc.response().putHeader("WWW-Authenticate", "Bearer");
      fail(rc, 401, ErrorCode.INVALID_TOKEN, "send 'Authorization: Bearer <token>'");
      return;
    }
    String room = rc.pathParam("room");
    if (!Rooms.isValid(room)) {
      fail(rc, 400, ErrorCode.BAD_REQUEST, "room must match " + Rooms.ID.pattern());
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
      fail(rc, 400, ErrorCode.BAD_REQUEST, e.getMessage());
      return;
    }
    if (after != null && before != null) {
      fail(rc, 400, ErrorCode.BAD_REQUEST, "give 'after' or 'before', not both");
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
      boolean timeout = BusError.isTimeout(e);
      fail(rc, timeout ? 504 : 503, timeout ? ErrorCode.TIMEOUT : ErrorCode.UNAVAILABLE, "history service: " + e.getMessage());
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

  private static void fail(RoutingContext rc, int status, ErrorCode code, String message) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("code", code.wire()).put("message", message).put("temporary", code.temporary()).encode());
  }
}
