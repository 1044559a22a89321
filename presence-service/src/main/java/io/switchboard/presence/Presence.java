package io.switchboard.presence;

import io.switchboard.common.bus.PresenceProtocol;
import io.switchboard.presence.store.PresenceStore;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * What the presence service does, without the event bus: applies gateway heartbeats to the store,
 * answers who is online in a room, and expires the sessions of gateways whose heartbeats stopped,
 * all on an injected clock.
 */
public final class Presence {

  private static final Logger log = LoggerFactory.getLogger(Presence.class);
  /** How long a heartbeat that does not give its {@code ttlMs} holds. */
  static final long DEFAULT_TTL_MS = 6000;

  private final PresenceStore store;
  private final LongSupplier clock;

  /** @param clock wall-clock milliseconds */
  public Presence(PresenceStore store, LongSupplier clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A gateway's full snapshot ({@link PresenceProtocol#heartbeat}): it replaces the previous one for its ttl. */
  public void heartbeat(JsonObject heartbeat) {
    store.update(heartbeat.getString("gateway"), PresenceProtocol.rooms(heartbeat),
        clock.getAsLong() + heartbeat.getLong("ttlMs", DEFAULT_TTL_MS));
  }

  /** The answer to a room query: the users online in {@code room} now ({@link PresenceProtocol#queryReply}). */
  public JsonObject online(String room) {
    return PresenceProtocol.queryReply(store.online(room, clock.getAsLong()));
  }

  /** Drops the snapshots of gateways whose heartbeats stopped; returns how many. */
  public int expire() {
    int expired = store.expire(clock.getAsLong());
    if (expired > 0) {
      log.atInfo().addKeyValue("gateways", expired).log("gateway heartbeats stopped; their sessions expired");
    }
    return expired;
  }
}
