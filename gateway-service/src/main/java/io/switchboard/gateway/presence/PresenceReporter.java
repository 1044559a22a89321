package io.switchboard.gateway.presence;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.PresenceProtocol;
import io.switchboard.gateway.ws.ClientSession;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sends one batched heartbeat per gateway instance: the full room -> users snapshot of its
 * sessions, not one message per client. It reports every interval, and soon after a join or leave
 * (debounced, so a burst of joins is one report). The presence service expires a gateway whose
 * heartbeats stop after {@code ttl}.
 */
public final class PresenceReporter {

  private static final long DEBOUNCE_MS = 100;

  private final Vertx vertx;
  private final String gatewayId;
  private final Duration interval;
  private final Collection<ClientSession> sessions;
  private boolean reportScheduled;

  public PresenceReporter(Vertx vertx, String gatewayId, Duration interval, Collection<ClientSession> sessions) {
    this.vertx = vertx;
    this.gatewayId = gatewayId;
    this.interval = interval;
    this.sessions = sessions;
  }

  /** Reports every interval from now on. */
  public void start() {
    vertx.setPeriodic(interval.toMillis(), id -> report());
  }

  /** A session joined or left a room: report shortly. */
  public void changed() {
    if (!reportScheduled) {
      reportScheduled = true;
      vertx.setTimer(DEBOUNCE_MS, id -> {
        reportScheduled = false;
        report();
      });
    }
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
    vertx.eventBus().publish(Addresses.PRESENCE_HEARTBEAT,
        PresenceProtocol.heartbeat(gatewayId, interval.multipliedBy(3).toMillis(), rooms));
  }
}
