package io.switchboard.gateway;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.SubscriberIds;
import io.switchboard.common.cluster.ClusterView;
import io.switchboard.common.history.EventBusMessageStore;
import io.switchboard.common.protocol.CloseCode;
import io.switchboard.common.protocol.Frames;
import io.switchboard.common.shard.ShardMap;
import io.switchboard.gateway.auth.TokenVerifier;
import io.switchboard.gateway.http.HistoryApi;
import io.switchboard.gateway.presence.PresenceClient;
import io.switchboard.gateway.presence.PresenceReporter;
import io.switchboard.gateway.room.CoalescingReads;
import io.switchboard.gateway.room.EventBusRoomClient;
import io.switchboard.gateway.room.RoomStreams;
import io.switchboard.gateway.ws.ClientSession;
import io.switchboard.gateway.ws.SessionContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One gateway instance: binds the public HTTP server (WebSocket endpoint {@code /ws/v1} and the
 * chat page), its fan-out delivery address and its presence heartbeat. Each instance is a
 * separate fan-out subscriber; connections are spread over instances by Vert.x.
 */
public final class GatewayVerticle extends VerticleBase {

  private final GatewayOptions options;
  private final ClusterView cluster;
  private final ShardMap shards;
  private final TokenVerifier tokens;
  private final int instance;
  private final Set<ClientSession> sessions = new HashSet<>();
  private ClusterView.Registration membership;

  public GatewayVerticle(GatewayOptions options, ClusterView cluster, ShardMap shards, TokenVerifier tokens, int instance) {
    this.options = options;
    this.cluster = cluster;
    this.shards = shards;
    this.tokens = tokens;
    this.instance = instance;
  }

  @Override
  public Future<?> start() {
    String subscriberId = SubscriberIds.of(cluster.localNodeId(), instance);
    EventBusRoomClient rooms = new EventBusRoomClient(vertx, cluster, shards, options);
    CoalescingReads history = new CoalescingReads(new EventBusMessageStore(vertx.eventBus(), options.historyTimeout()));
    RoomStreams streams = new RoomStreams(vertx, rooms, history, subscriberId, options.historyPageSize(),
        options.maxHeldMessages());
    PresenceReporter presence = new PresenceReporter(vertx, subscriberId, options.presenceInterval(), sessions);
    presence.start();
    SessionContext ctx = new SessionContext(vertx, options, tokens, rooms, streams, history,
        new PresenceClient(vertx.eventBus(), options.requestTimeout()), presence, sessions);

    membership = cluster.onChange(() -> {
      rooms.refresh();
      streams.onMembershipChange();
    });

    Router router = Router.router(vertx);
    router.get("/ws/v" + Frames.PROTOCOL_VERSION).handler(rc -> upgrade(rc, ctx));
    router.get("/ws/:version").handler(this::unsupportedVersion);
    router.get("/api/v1/rooms/:room/messages").handler(new HistoryApi(history, tokens)::handle);
    router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));

    // Strict thread mode: every request and response of this server is handled on this verticle's
    // event loop (nothing here blocks or writes from another thread), so Vert.x writes HTTP/1.1
    // directly instead of through a per-connection MPSC outbound queue that preallocates a
    // 1024-slot chunk. That saves about 4.7 KB of heap per idle WebSocket (heap histogram in
    // docs/benchmarks.md). A response written off the event loop would fail with IllegalStateException.
    HttpServerOptions http = new HttpServerOptions()
        .setStrictThreadMode(true)
        .setMaxWebSocketFrameSize(64 * 1024)
        .setMaxWebSocketMessageSize(64 * 1024);
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(Addresses.gatewayDeliver(subscriberId), m -> streams.offer(m.body()))
            .completion(),
        vertx.createHttpServer(http).requestHandler(router).listen(options.port(), options.host()));
  }

  @Override
  public Future<?> stop() {
    if (membership != null) {
      membership.remove();
    }
    List.copyOf(sessions).forEach(s -> s.close(CloseCode.SHUTDOWN));
    return Future.succeededFuture();
  }

  private void upgrade(RoutingContext rc, SessionContext ctx) {
    rc.request().toWebSocket().onSuccess(ws -> new ClientSession(ws, ctx).start());
  }

  private void unsupportedVersion(RoutingContext rc) {
    rc.request().toWebSocket().onSuccess(ws -> ws.close(CloseCode.UNSUPPORTED_VERSION.code(),
        "this gateway speaks /ws/v" + Frames.PROTOCOL_VERSION));
  }
}
