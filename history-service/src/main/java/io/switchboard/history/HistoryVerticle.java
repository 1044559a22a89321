package io.switchboard.history;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.history.HistoryProtocol;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.history.store.RetentionOptions;
import io.switchboard.history.store.RetentionTask;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Binds the history addresses on the event bus and answers them from a {@link MessageStore};
 * runs the retention rules in the background.
 */
public final class HistoryVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HistoryVerticle.class);
  /** Shared by the instances of a process: it bounds what this process writes to its log. */
  private static final LogLimiter LOG_LIMITER = LogLimiter.perMinute(10);
  /** Largest page a caller may ask for. */
  static final int MAX_PAGE = 1000;

  private final MessageStore store;
  private final RetentionOptions retention;
  private final boolean runsRetention;
  private final LongSupplier clock;

  /**
   * @param runsRetention whether this instance runs the retention task (one instance per process does)
   * @param clock wall-clock milliseconds that retention ages messages by
   */
  public HistoryVerticle(MessageStore store, RetentionOptions retention, boolean runsRetention, LongSupplier clock) {
    this.store = store;
    this.retention = retention;
    this.runsRetention = runsRetention;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    if (runsRetention && !retention.rules().isEmpty()) {
      RetentionTask task = new RetentionTask(store, retention, clock);
      vertx.setPeriodic(retention.interval().toMillis(), id -> task.run());
    }
    return Future.all(
        bind(Addresses.HISTORY_STATE, req -> store.state(req.getString("room")).map(HistoryProtocol::encode)),
        bind(Addresses.HISTORY_APPEND, this::append),
        bind(Addresses.HISTORY_PAGE, this::page));
  }

  private Future<JsonObject> append(JsonObject req) {
    HistoryProtocol.AppendRequest append = HistoryProtocol.decodeAppendRequest(req);
    return store.append(append.room(), append.epoch(), append.messages()).map(HistoryProtocol::encode);
  }

  private Future<JsonObject> page(JsonObject req) {
    int limit = Math.max(0, Math.min(MAX_PAGE, req.getInteger("limit", 100)));
    String room = req.getString("room");
    return (req.containsKey("before")
        ? store.before(room, req.getLong("before"), limit)
        : store.after(room, req.getLong("after", 0L), limit)).map(HistoryProtocol::encode);
  }

  private Future<Void> bind(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return vertx.eventBus().<JsonObject>consumer(address, msg -> answer(msg, handler)).completion();
  }

  private static void answer(Message<JsonObject> msg, Function<JsonObject, Future<JsonObject>> handler) {
    JsonObject req;
    try {
      req = msg.body();
    } catch (DecodeException e) {
      // Decoded lazily from the wire, on first access.
      refuse(msg, null, BusError.BAD_REQUEST, e);
      return;
    }
    if (req == null || !(req.getValue("room") instanceof String room)) {
      refuse(msg, null, BusError.BAD_REQUEST, new IllegalArgumentException("room is required"));
      return;
    }
    Future<JsonObject> reply;
    try {
      reply = handler.apply(req);
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.onSuccess(msg::reply).onFailure(e -> refuse(msg, room, HistoryFailures.classify(e), e));
  }

  /**
   * Fails the request. What the caller caused is logged without a stack trace; a store failure
   * keeps its stack trace. Both are rate-limited: a caller retrying, or every room retrying while
   * the database is down, must not fill the disk.
   */
  private static void refuse(Message<JsonObject> msg, String room, BusError error, Throwable cause) {
    boolean callerCaused = HistoryFailures.callerCaused(error);
    long suppressed = LOG_LIMITER.acquire(callerCaused ? "refused-request" : "store-failure");
    if (suppressed != LogLimiter.DENIED) {
      log.atLevel(callerCaused ? Level.WARN : Level.ERROR).addKeyValue("room", room)
          .addKeyValue("address", msg.address()).addKeyValue("error", error).addKeyValue("suppressed", suppressed)
          .setCause(callerCaused ? null : cause).log("history request failed: {}", cause.toString());
    }
    msg.fail(error.code(), String.valueOf(cause.getMessage()));
  }
}
