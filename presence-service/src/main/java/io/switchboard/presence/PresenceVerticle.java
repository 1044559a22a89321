package io.switchboard.presence;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.PresenceProtocol;
import io.switchboard.presence.store.PresenceStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the presence addresses: batched gateway heartbeats in, room queries answered. */
public final class PresenceVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(PresenceVerticle.class);
  private static final long EXPIRY_PERIOD_MS = 1000;

  private final PresenceStore store;

  public PresenceVerticle(PresenceStore store) {
    this.store = store;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(EXPIRY_PERIOD_MS, id -> {
      int expired = store.expire(System.currentTimeMillis());
      if (expired > 0) {
        log.atInfo().addKeyValue("gateways", expired).log("gateway heartbeats stopped; their sessions expired");
      }
    });
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE_HEARTBEAT, msg -> {
          JsonObject hb = msg.body();
          store.update(hb.getString("gateway"), PresenceProtocol.rooms(hb),
              System.currentTimeMillis() + hb.getLong("ttlMs", 6000L));
        }).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE_QUERY, msg -> {
          String room = msg.body() == null ? null : msg.body().getString("room");
          if (room == null) {
            msg.fail(BusError.BAD_REQUEST.code(), "room is required");
            return;
          }
          msg.reply(PresenceProtocol.queryReply(store.online(room, System.currentTimeMillis())));
        }).completion());
  }
}
