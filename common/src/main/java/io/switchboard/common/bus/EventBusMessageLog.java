package io.switchboard.common.bus;

import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.MessageLog;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.history.UnprocessableMessageException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;

/**
 * The history service's {@link MessageLog}, reached over the clustered event bus: what room
 * sequencers append through and gateways read pages from. Retention is not offered here; it runs
 * inside the history service, next to its store.
 */
public final class EventBusMessageLog implements MessageLog {

  private final EventBus bus;
  private final DeliveryOptions options;

  public EventBusMessageLog(EventBus bus, Duration timeout) {
    this.bus = bus;
    this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
  }

  @Override
  public Future<RoomState> state(String room) {
    return request(Addresses.HISTORY_STATE, HistoryProtocol.stateRequest(room)).map(HistoryProtocol::decodeState);
  }

  @Override
  public Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
    Future<JsonObject> reply;
    try {
      // A clustered event bus encodes the request while sending it: a body nested deeper than the
      // JSON codec allows fails here, before anything leaves this process.
      reply = request(Addresses.HISTORY_APPEND, HistoryProtocol.appendRequest(room, epoch, batch));
    } catch (EncodeException e) {
      return Future.failedFuture(new UnprocessableMessageException("the append request cannot be encoded", e));
    }
    return reply.map(HistoryProtocol::decodeAppendResult);
  }

  @Override
  public Future<HistoryPage> after(String room, long afterSeq, int limit) {
    return request(Addresses.HISTORY_PAGE, HistoryProtocol.pageRequest(room, afterSeq, limit))
        .map(HistoryProtocol::decodePage);
  }

  @Override
  public Future<HistoryPage> before(String room, long beforeSeq, int limit) {
    return request(Addresses.HISTORY_PAGE, HistoryProtocol.pageBeforeRequest(room, beforeSeq, limit))
        .map(HistoryProtocol::decodePage);
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return bus.<JsonObject>request(address, body, options).map(Message::body);
  }
}
