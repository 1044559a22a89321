package io.switchboard.common.history;

import io.switchboard.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/** A {@link MessageStore} that is the history service, reached over the clustered event bus. */
public final class EventBusMessageStore implements MessageStore {

  private final EventBus bus;
  private final DeliveryOptions options;

  public EventBusMessageStore(EventBus bus, Duration timeout) {
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

  /** Retention runs inside the history service, next to its store. */
  @Override
  public Future<Long> applyRetention(RetentionRule rule, Collection<String> longerPrefixes, long nowMillis) {
    return Future.failedFuture(new UnsupportedOperationException("retention runs in the history service"));
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return bus.<JsonObject>request(address, body, options).map(Message::body);
  }
}
