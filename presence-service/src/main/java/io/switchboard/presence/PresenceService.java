package io.switchboard.presence;

import io.switchboard.common.cluster.Role;
import io.switchboard.common.service.ServiceContext;
import io.switchboard.common.service.StopSequence;
import io.switchboard.common.service.Stoppable;
import io.switchboard.common.service.SwitchboardService;
import io.switchboard.presence.store.InMemoryPresenceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The presence service. Every instance receives every gateway heartbeat (they are published), so
 * any instance answers any query; sharding by room comes with the presence issue. It has no
 * settings of its own.
 */
public final class PresenceService implements SwitchboardService {

  @Override
  public Role role() {
    return Role.PRESENCE;
  }

  @Override
  public Future<Stoppable> deploy(ServiceContext ctx) {
    Vertx vertx = ctx.vertx();
    Presence presence = new Presence(new InMemoryPresenceStore(), ctx.clock());
    StopSequence parts = new StopSequence(role().id());
    return parts.whenStarted(vertx.deployVerticle(new PresenceVerticle(presence))
        .map(deployment -> parts.add("presence verticle", () -> vertx.undeploy(deployment))));
  }
}
