package io.switchboard.presence;

import io.switchboard.common.cluster.Role;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.service.ServiceContext;
import io.switchboard.common.service.SwitchboardService;
import io.switchboard.presence.store.InMemoryPresenceStore;
import io.vertx.core.Future;

/**
 * The presence service. Every instance receives every gateway heartbeat (they are published), so
 * any instance answers any query; sharding by room comes with the presence issue.
 */
public final class PresenceService implements SwitchboardService {

  public PresenceService(ConfigSource config) {
  }

  @Override
  public Role role() {
    return Role.PRESENCE;
  }

  @Override
  public Future<?> deploy(ServiceContext ctx) {
    return ctx.vertx().deployVerticle(new PresenceVerticle(new InMemoryPresenceStore()));
  }
}
