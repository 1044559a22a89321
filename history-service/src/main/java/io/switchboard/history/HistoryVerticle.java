package io.switchboard.history;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.Addresses.HistoryOps;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.HistoryProtocol;
import io.switchboard.common.bus.HistoryProtocol.AppendRequest;
import io.switchboard.common.bus.HistoryProtocol.Direction;
import io.switchboard.common.bus.HistoryProtocol.PageRequest;
import io.switchboard.common.bus.HistoryProtocol.StateRequest;
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
 * Binds this instance's history address ({@link Addresses#historyNode}) on the event bus and
 * answers its operations from a {@link MessageStore}: each request is decoded by
 * {@link HistoryProtocol} first, so a malformed one is refused before the store sees it. Runs the
 * retention rules in the background.
 */
public final class HistoryVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HistoryVerticle.class);
  /** Largest page a caller may ask for. */
  static final int MAX_PAGE = 1000;

  private final String nodeId;
  private final MessageStore store;
  private final RetentionOptions retention;
  private final boolean runsRetention;
  private final LongSupplier clock;
  private final LogLimiter logLimiter;

  /**
   * @param nodeId this process's cluster node id, which its address is named after
   * @param runsRetention whether this instance runs the retention task (one instance per process does)
   * @param clock wall-clock milliseconds that retention ages messages by
   * @param logLimiter bounds the failure lines this process writes (shared by its instances)
   */
  public HistoryVerticle(String nodeId, MessageStore store, RetentionOptions retention, boolean runsRetention,
                         LongSupplier clock, LogLimiter logLimiter) {
    this.nodeId = nodeId;
    this.store = store;
    this.retention = retention;
    this.runsRetention = runsRetention;
    this.clock = clock;
    this.logLimiter = logLimiter;
  }

  @Override
  public Future<?> start() {
    if (runsRetention && !retention.rules().isEmpty()) {
      RetentionTask task = new RetentionTask(store, retention, clock);
      vertx.setPeriodic(retention.interval().toMillis(), id -> task.run());
    }
    return vertx.eventBus().consumer(Addresses.historyNode(nodeId), this::dispatch).completion();
  }

  private void dispatch(Message<Object> msg) {
    String op = msg.headers().get(Addresses.OP);
    switch (op == null ? "" : op) {
      case HistoryOps.STATE -> answer(msg, HistoryProtocol::decodeStateRequest, this::state);
      case HistoryOps.APPEND -> answer(msg, HistoryProtocol::decodeAppendRequest, this::append);
      case HistoryOps.PAGE -> answer(msg, HistoryProtocol::decodePageRequest, this::page);
      default -> refuse(msg, null, new IllegalArgumentException("unknown history operation '" + op + "'"));
    }
  }

  private Future<JsonObject> state(StateRequest request) {
    return store.state(request.room()).map(HistoryProtocol::encode);
  }

  private Future<JsonObject> append(AppendRequest request) {
    return store.append(request.room(), request.epoch(), request.messages()).map(HistoryProtocol::encode);
  }

  private Future<JsonObject> page(PageRequest request) {
    int limit = Math.max(0, Math.min(MAX_PAGE, request.limit()));
    return (request.direction() == Direction.BEFORE
        ? store.before(request.room(), request.seq(), limit)
        : store.after(request.room(), request.seq(), limit)).map(HistoryProtocol::encode);
  }

  /**
   * Decodes the request, then serves it from the store. A request the decoder refuses never
   * reaches the store; whatever fails, the decoder or the store (by a failed future or by
   * throwing), is answered through {@link HistoryFailures}.
   */
  private <R> void answer(Message<Object> msg, Function<JsonObject, R> decoder,
                                 Function<R, Future<JsonObject>> serve) {
    Future<JsonObject> body = body(msg);
    body.map(decoder).compose(serve)
        .onSuccess(msg::reply)
        .onFailure(e -> refuse(msg, roomOf(body), e));
  }

  /** The request's JSON object; a clustered bus decodes it from the wire on first access. */
  private static Future<JsonObject> body(Message<Object> msg) {
    try {
      return msg.body() instanceof JsonObject json ? Future.succeededFuture(json)
          : Future.failedFuture(new IllegalArgumentException("the request must be a JSON object"));
    } catch (DecodeException e) {
      return Future.failedFuture(new IllegalArgumentException("the request is not valid JSON", e));
    }
  }

  /** The room a request names, for the log, if it names one. */
  private static String roomOf(Future<JsonObject> body) {
    return body.succeeded() && body.result().getValue("room") instanceof String room ? room : null;
  }

  /**
   * Fails the request. What the caller caused is logged without a stack trace; a store failure
   * keeps its stack trace. Both are rate-limited: a caller retrying, or every room retrying while
   * the database is down, must not fill the disk.
   */
  private void refuse(Message<Object> msg, String room, Throwable cause) {
    BusError error = HistoryFailures.classify(cause);
    boolean callerCaused = HistoryFailures.callerCaused(error);
    long suppressed = logLimiter.acquire(callerCaused ? "refused-request" : "store-failure");
    if (suppressed != LogLimiter.DENIED) {
      log.atLevel(callerCaused ? Level.WARN : Level.ERROR).addKeyValue("room", room)
          .addKeyValue("address", msg.address()).addKeyValue("error", error).addKeyValue("suppressed", suppressed)
          .setCause(callerCaused ? null : cause).log("history request failed: {}", cause.toString());
    }
    msg.fail(error.code(), String.valueOf(cause.getMessage()));
  }
}
