package io.switchboard.gateway.presence;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.PresenceProtocol;
import io.vertx.core.Vertx;

import java.time.Duration;

/**
 * Sends one batched heartbeat per gateway instance: the full room -> users snapshot of its
 * {@link LocalPresence}, not one message per client. It reports every interval, and soon after a
 * user arrives in or leaves a room (debounced, so a burst of joins is one report). The presence
 * service expires a gateway whose heartbeats stop after three intervals.
 */
public final class PresenceReporter {

  private static final long DEBOUNCE_MS = 100;

  private final Vertx vertx;
  private final String gatewayId;
  private final Duration interval;
  private final LocalPresence presence = new LocalPresence();
  private boolean reportScheduled;
  private long periodic = -1;

  public PresenceReporter(Vertx vertx, String gatewayId, Duration interval) {
    this.vertx = vertx;
    this.gatewayId = gatewayId;
    this.interval = interval;
  }

  /** Reports every interval from now on. */
  public void start() {
    periodic = vertx.setPeriodic(interval.toMillis(), id -> report());
  }

  /** Stops the periodic report (the presence service expires this gateway's users after its ttl). */
  public void stop() {
    vertx.cancelTimer(periodic);
  }

  /** One of {@code user}'s connections joined {@code room}: reported shortly if the user is new there. */
  public void joined(String room, String user) {
    if (presence.joined(room, user)) {
      changed();
    }
  }

  /** One of {@code user}'s connections left {@code room}: reported shortly if it was the user's last. */
  public void left(String room, String user) {
    if (presence.left(room, user)) {
      changed();
    }
  }

  private void changed() {
    if (!reportScheduled) {
      reportScheduled = true;
      vertx.setTimer(DEBOUNCE_MS, id -> {
        reportScheduled = false;
        report();
      });
    }
  }

  /** Publishes the snapshot now (also after a merge, since the presence service expired this gateway meanwhile). */
  public void report() {
    vertx.eventBus().publish(Addresses.PRESENCE_HEARTBEAT,
        PresenceProtocol.heartbeat(gatewayId, interval.multipliedBy(3).toMillis(), presence.snapshot()));
  }
}
