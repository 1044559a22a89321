package io.switchboard.history;

import io.switchboard.common.cluster.Role;
import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.service.ServiceContext;
import io.switchboard.common.service.SwitchboardService;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;

/** The history service: one {@link MessageStore}, answered on the event bus. */
public final class HistoryService implements SwitchboardService {

  private final String storeKind;

  public HistoryService(ConfigSource config) {
    this.storeKind = config.string("history.store", "memory");
    if (!"memory".equals(storeKind)) {
      throw new ConfigException("history.store '" + storeKind + "' is not supported; use 'memory'");
    }
  }

  @Override
  public Role role() {
    return Role.HISTORY;
  }

  @Override
  public Future<?> deploy(ServiceContext ctx) {
    MessageStore store = new InMemoryMessageStore();
    ctx.readiness().register("store", p -> p.complete(Status.OK(new JsonObject().put("kind", storeKind))));
    // One instance: the in-memory store is a single process-wide object.
    return ctx.vertx().deployVerticle(() -> new HistoryVerticle(store), new DeploymentOptions().setInstances(1));
  }
}
