package io.switchboard.room.sequencer;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.history.StoredMessage;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.List;

/** Fan-out over the event bus: one point-to-point send per subscribed gateway instance, no cluster-wide publish. */
public final class EventBusFanOut implements FanOut {

  private final EventBus bus;

  public EventBusFanOut(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public void deliver(Collection<String> subscribers, String room, String epoch, List<StoredMessage> messages) {
    JsonObject event = RoomProtocol.delivery(room, epoch, messages);
    for (String subscriber : subscribers) {
      bus.send(Addresses.gatewayDeliver(subscriber), event);
    }
  }
}
