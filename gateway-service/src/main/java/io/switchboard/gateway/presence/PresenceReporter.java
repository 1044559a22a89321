package io.switchboard.gateway.presence;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.PresenceProtocol;
import io.switchboard.gateway.ws.ClientSession;
import io.vertx.core.eventbus.EventBus;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sends one batched heartbeat per gateway instance: the full room -> users snapshot of its
 * sessions, not one message per client. The presence service expires a gateway whose heartbeats
 * stop after {@code ttl}.
 */
public final class PresenceReporter {

  private final EventBus bus;
  private final String gatewayId;
  private final Duration ttl;
  private final Collection<ClientSession> sessions;

  public PresenceReporter(EventBus bus, String gatewayId, Duration interval, Collection<ClientSession> sessions) {
    this.bus = bus;
    this.gatewayId = gatewayId;
    this.ttl = interval.multipliedBy(3);
    this.sessions = sessions;
  }

  public void report() {
    Map<String, Set<String>> rooms = new TreeMap<>();
    for (ClientSession s : sessions) {
      if (s.user() != null) {
        for (String room : s.rooms()) {
          rooms.computeIfAbsent(room, r -> new TreeSet<>()).add(s.user());
        }
      }
    }
    bus.publish(Addresses.PRESENCE_HEARTBEAT, PresenceProtocol.heartbeat(gatewayId, ttl.toMillis(), rooms));
  }
}
