package io.switchboard.history;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.history.HistoryProtocol;
import io.switchboard.common.history.MessageStore;
import io.switchboard.history.store.RetentionOptions;
import io.switchboard.history.store.RetentionTask;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * Binds the history addresses on the event bus and answers them from a {@link MessageStore};
 * runs the retention rules in the background.
 */
public final class HistoryVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HistoryVerticle.class);
  /** Largest page a caller may ask for. */
  static final int MAX_PAGE = 1000;

  private final MessageStore store;
  private final RetentionOptions retention;
  private final boolean runsRetention;

  /**
   * @param runsRetention whether this instance runs the retention task (one instance per process does)
   */
  public HistoryVerticle(MessageStore store, RetentionOptions retention, boolean runsRetention) {
    this.store = store;
    this.retention = retention;
    this.runsRetention = runsRetention;
  }

  @Override
  public Future<?> start() {
    if (runsRetention && !retention.rules().isEmpty()) {
      RetentionTask task = new RetentionTask(store, retention, System::currentTimeMillis);
      vertx.setPeriodic(retention.interval().toMillis(), id -> task.run());
    }
    return Future.all(
        bind(Addresses.HISTORY_STATE, req -> store.state(req.getString("room")).map(HistoryProtocol::encode)),
        bind(Addresses.HISTORY_APPEND, req -> store.append(req.getString("room"), req.getString("epoch"),
            HistoryProtocol.messages(req.getJsonArray("messages"))).map(HistoryProtocol::encode)),
        bind(Addresses.HISTORY_PAGE, this::page));
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
    JsonObject req = msg.body();
    if (req == null || req.getString("room") == null) {
      msg.fail(BusError.BAD_REQUEST.code(), "room is required");
      return;
    }
    Future<JsonObject> reply;
    try {
      reply = handler.apply(req);
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.onSuccess(msg::reply).onFailure(e -> {
      boolean bad = e instanceof IllegalArgumentException || e instanceof ClassCastException;
      log.atWarn().addKeyValue("room", req.getString("room")).addKeyValue("address", msg.address())
          .setCause(bad ? null : e).log("history request failed: {}", e.toString());
      msg.fail((bad ? BusError.BAD_REQUEST : BusError.UNAVAILABLE).code(), String.valueOf(e.getMessage()));
    });
  }
}
