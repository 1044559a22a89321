package io.switchboard.room;

import io.switchboard.common.bus.EventBusMessageLog;
import io.switchboard.common.cluster.Role;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.service.ServiceContext;
import io.switchboard.common.service.SwitchboardService;
import io.switchboard.common.shard.ShardMap;
import io.switchboard.room.sequencer.SequencerOptions;
import io.vertx.core.Future;
import io.vertx.ext.healthchecks.Status;

import java.time.Duration;

/** The room service: shard owner and single sequencer of its rooms. */
public final class RoomService implements SwitchboardService {

  private final ConfigSource config;

  public RoomService(ConfigSource config) {
    this.config = config;
  }

  @Override
  public Role role() {
    return Role.ROOM;
  }

  @Override
  public Future<?> deploy(ServiceContext ctx) {
    ShardMap shards = new ShardMap(config.integer("room.shards", ShardMap.DEFAULT_SHARDS));
    Duration historyTimeout = config.millis("room.historyTimeoutMs", Duration.ofSeconds(3));
    EventBusMessageLog store = new EventBusMessageLog(ctx.vertx().eventBus(), historyTimeout);
    ctx.readiness().register("history", p -> p.complete(
        ctx.cluster().members(Role.HISTORY).isEmpty() ? Status.KO() : Status.OK()));
    return ctx.vertx().deployVerticle(new RoomVerticle(ctx.cluster(), store, shards, SequencerOptions.from(config)));
  }
}
