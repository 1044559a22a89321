package io.switchboard.gateway.presence;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.PresenceProtocol;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;

/** Asks the presence service who is online in a room. */
public final class PresenceClient {

  private final EventBus bus;
  private final DeliveryOptions options;

  public PresenceClient(EventBus bus, Duration timeout) {
    this.bus = bus;
    this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
  }

  public Future<List<String>> query(String room) {
    return bus.<JsonObject>request(Addresses.PRESENCE_QUERY, PresenceProtocol.query(room), options)
        .map(reply -> PresenceProtocol.users(reply.body()));
  }
}
