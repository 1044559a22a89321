package io.switchboard.presence;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * Binds the presence addresses to a {@link Presence}: batched gateway heartbeats in, room queries
 * answered, and expiry every second. Undeploying it unbinds them and cancels the expiry timer.
 */
public final class PresenceVerticle extends VerticleBase {

  private static final long EXPIRY_PERIOD_MS = 1000;

  private final Presence presence;

  public PresenceVerticle(Presence presence) {
    this.presence = presence;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(EXPIRY_PERIOD_MS, id -> presence.expire());
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE_HEARTBEAT, msg -> presence.heartbeat(msg.body()))
            .completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE_QUERY, msg -> {
          String room = msg.body() == null ? null : msg.body().getString("room");
          if (room == null) {
            msg.fail(BusError.BAD_REQUEST.code(), "room is required");
            return;
          }
          msg.reply(presence.online(room));
        }).completion());
  }
}
