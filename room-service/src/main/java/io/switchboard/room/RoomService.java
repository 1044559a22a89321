package io.switchboard.room;

import io.switchboard.common.bus.EventBusMessageLog;
import io.switchboard.common.bus.HistoryClientOptions;
import io.switchboard.common.cluster.Role;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.common.service.ServiceContext;
import io.switchboard.common.service.StopSequence;
import io.switchboard.common.service.Stoppable;
import io.switchboard.common.service.SwitchboardService;
import io.switchboard.common.shard.ShardMap;
import io.switchboard.room.sequencer.SequencerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.Status;

import java.time.Duration;

/** The room service: shard owner and single sequencer of its rooms. */
public final class RoomService implements SwitchboardService {

  private final ShardMap shards;
  private final HistoryClientOptions history;
  private final SequencerOptions sequencer;

  public RoomService(ConfigSource config) {
    this.shards = ShardMap.from(config);
    this.history = HistoryClientOptions.from(config, "room", Duration.ofSeconds(3));
    this.sequencer = SequencerOptions.from(config);
  }

  @Override
  public Role role() {
    return Role.ROOM;
  }

  @Override
  public Future<Stoppable> deploy(ServiceContext ctx) {
    Vertx vertx = ctx.vertx();
    ctx.readiness().register("history", p -> p.complete(
        ctx.cluster().members(Role.HISTORY).isEmpty() ? Status.KO() : Status.OK()));
    StopSequence parts = new StopSequence(role().id());
    EventBusMessageLog store = new EventBusMessageLog(vertx, ctx.cluster(), history, ctx.clock());
    parts.add("history client", store);
    RoomVerticle verticle = new RoomVerticle(ctx.cluster(), store, shards, sequencer,
        LogLimiter.perMinute(10, ctx.clock()), ctx.clock());
    return parts.whenStarted(vertx.deployVerticle(verticle)
        .map(deployment -> parts.add("room verticle", () -> vertx.undeploy(deployment))));
  }
}
