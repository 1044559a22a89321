package io.switchboard.history;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.history.HistoryProtocol;
import io.switchboard.common.history.MessageStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/** Binds the history addresses on the event bus and answers them from a {@link MessageStore}. */
public final class HistoryVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HistoryVerticle.class);
  /** Largest page a caller may ask for. */
  static final int MAX_PAGE = 1000;

  private final MessageStore store;

  public HistoryVerticle(MessageStore store) {
    this.store = store;
  }

  @Override
  public Future<?> start() {
    return Future.all(
        bind(Addresses.HISTORY_STATE, req -> store.state(req.getString("room")).map(HistoryProtocol::encode)),
        bind(Addresses.HISTORY_APPEND, req -> store.append(req.getString("room"), req.getString("epoch"),
            HistoryProtocol.messages(req.getJsonArray("messages"))).map(HistoryProtocol::encode)),
        bind(Addresses.HISTORY_PAGE, req -> store.after(req.getString("room"), req.getLong("after", 0L),
            Math.min(MAX_PAGE, req.getInteger("limit", 100))).map(HistoryProtocol::encode)));
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
      log.atWarn().addKeyValue("room", req.getString("room")).addKeyValue("address", msg.address())
          .setCause(e).log("history request failed");
      msg.fail(BusError.UNAVAILABLE.code(), String.valueOf(e.getMessage()));
    });
  }
}
