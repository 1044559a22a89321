package io.switchboard.gateway;

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
import io.switchboard.gateway.auth.AuthOptions;
import io.switchboard.gateway.auth.Tokens;
import io.switchboard.gateway.edge.Admission;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway service: public WebSocket endpoint, HTTP history API and chat page. Stopping it
 * closes the public port and every socket ({@code 4000}), then the admission sweep.
 */
public final class GatewayService implements SwitchboardService {

  private static final Logger log = LoggerFactory.getLogger(GatewayService.class);
  private static final long SWEEP_MS = 10_000;

  private final GatewayOptions options;
  private final AuthOptions auth;
  private final ShardMap shards;
  private final HistoryClientOptions history;

  public GatewayService(ConfigSource config) {
    this.options = GatewayOptions.from(config);
    this.auth = AuthOptions.from(config);
    this.shards = ShardMap.from(config);
    this.history = HistoryClientOptions.from(config, "gateway", Duration.ofSeconds(5));
  }

  @Override
  public Role role() {
    return Role.GATEWAY;
  }

  @Override
  public Future<Stoppable> deploy(ServiceContext ctx) {
    Vertx vertx = ctx.vertx();
    ctx.readiness().register("room-service", p -> p.complete(status(ctx, Role.ROOM)));
    ctx.readiness().register("history-service", p -> p.complete(status(ctx, Role.HISTORY)));
    if (auth.devTokens()) {
      log.warn("auth.devTokens is on: anyone can connect as anyone with dev:<user>. Never expose this gateway.");
    }
    log.atInfo().addKeyValue("auth", auth).log("authentication configured");
    AtomicInteger instance = new AtomicInteger();
    Tokens tokens = Tokens.create(vertx, auth);
    Admission admission = Admission.systemClock(options.edge());
    LogLimiter logLimiter = LogLimiter.perMinute(20, ctx.clock());
    StopSequence parts = new StopSequence(role().id());
    long sweep = vertx.setPeriodic(SWEEP_MS, id -> admission.sweep());
    parts.add("admission sweep", () -> Future.succeededFuture(vertx.cancelTimer(sweep)));
    EventBusMessageLog historyClient = new EventBusMessageLog(vertx, ctx.cluster(), history, ctx.clock());
    parts.add("history client", historyClient);
    return parts.whenStarted(vertx.deployVerticle(
        () -> new GatewayVerticle(options, ctx.cluster(), shards, tokens, auth.policy(), admission, historyClient,
            logLimiter, ctx.clock(), instance.getAndIncrement()),
        new DeploymentOptions().setInstances(options.instances()))
        .map(deployment -> parts.add("gateway verticles", () -> vertx.undeploy(deployment))));
  }

  private static Status status(ServiceContext ctx, Role role) {
    int n = ctx.cluster().members(role).size();
    return n > 0 ? Status.OK(new JsonObject().put("instances", n)) : Status.KO(new JsonObject().put("instances", 0));
  }
}
