package io.switchboard.gateway;

import io.switchboard.common.cluster.Role;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.service.ServiceContext;
import io.switchboard.common.service.SwitchboardService;
import io.switchboard.common.shard.ShardMap;
import io.switchboard.gateway.auth.DevTokenVerifier;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;

import java.util.concurrent.atomic.AtomicInteger;

/** The gateway service: public WebSocket endpoint and chat page. */
public final class GatewayService implements SwitchboardService {

  private final GatewayOptions options;
  private final ShardMap shards;

  public GatewayService(ConfigSource config) {
    this.options = GatewayOptions.from(config);
    this.shards = new ShardMap(config.integer("room.shards", ShardMap.DEFAULT_SHARDS));
  }

  @Override
  public Role role() {
    return Role.GATEWAY;
  }

  @Override
  public Future<?> deploy(ServiceContext ctx) {
    ctx.readiness().register("room-service", p -> p.complete(status(ctx, Role.ROOM)));
    ctx.readiness().register("history-service", p -> p.complete(status(ctx, Role.HISTORY)));
    AtomicInteger instance = new AtomicInteger();
    DevTokenVerifier tokens = new DevTokenVerifier();
    return ctx.vertx().deployVerticle(
        () -> new GatewayVerticle(options, ctx.cluster(), shards, tokens, instance.getAndIncrement()),
        new DeploymentOptions().setInstances(options.instances()));
  }

  private static Status status(ServiceContext ctx, Role role) {
    int n = ctx.cluster().members(role).size();
    return n > 0 ? Status.OK(new JsonObject().put("instances", n)) : Status.KO(new JsonObject().put("instances", 0));
  }
}
