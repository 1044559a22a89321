package io.switchboard.gateway;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.SubscriberIds;
import io.switchboard.common.cluster.ClusterView;
import io.switchboard.common.history.HistoryReader;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.common.protocol.CloseCode;
import io.switchboard.common.protocol.ErrorCode;
import io.switchboard.common.protocol.Frames;
import io.switchboard.common.shard.ShardMap;
import io.switchboard.gateway.auth.RoomPolicy;
import io.switchboard.gateway.auth.TokenVerifier;
import io.switchboard.gateway.edge.Admission;
import io.switchboard.gateway.edge.EdgeGuard;
import io.switchboard.gateway.edge.OriginPolicy;
import io.switchboard.gateway.http.HistoryApi;
import io.switchboard.gateway.http.HttpErrors;
import io.switchboard.gateway.presence.PresenceClient;
import io.switchboard.gateway.presence.PresenceReporter;
import io.switchboard.gateway.room.CoalescingReads;
import io.switchboard.gateway.room.EventBusRoomClient;
import io.switchboard.gateway.room.RoomStreams;
import io.switchboard.gateway.ws.ClientSession;
import io.switchboard.gateway.ws.SessionContext;
import io.switchboard.gateway.ws.WebSocketTransport;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * One gateway instance: binds the public HTTP server (WebSocket endpoint {@code /ws/v1}, the HTTP
 * history API and the chat page), its fan-out delivery address and its presence heartbeat. Each
 * instance is a separate fan-out subscriber; connections are spread over instances by Vert.x.
 * Before a request reaches a handler, the {@link EdgeGuard} has admitted its connection and bounds
 * how long its request may take; a WebSocket upgrade also needs an allowed {@code Origin}.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(GatewayVerticle.class);

  private final GatewayOptions options;
  private final ClusterView cluster;
  private final ShardMap shards;
  private final TokenVerifier tokens;
  private final RoomPolicy policy;
  private final Admission admission;
  private final HistoryReader historyReader;
  private final LogLimiter logLimiter;
  private final LongSupplier clock;
  private final int instance;
  private final Set<ClientSession> sessions = new HashSet<>();
  private ClusterView.Registration membership;
  private ClusterView.Registration rejoin;
  private PresenceReporter presence;
  /** Stopping: new WebSocket upgrades are refused while the open connections are closed. */
  private boolean draining;
  private HttpServer server;

  /** @param historyReader the history service's pages, shared by the process's instances */
  public GatewayVerticle(GatewayOptions options, ClusterView cluster, ShardMap shards, TokenVerifier tokens,
                         RoomPolicy policy, Admission admission, HistoryReader historyReader, LogLimiter logLimiter,
                         LongSupplier clock, int instance) {
    this.options = options;
    this.cluster = cluster;
    this.shards = shards;
    this.tokens = tokens;
    this.policy = policy;
    this.admission = admission;
    this.historyReader = historyReader;
    this.logLimiter = logLimiter;
    this.clock = clock;
    this.instance = instance;
  }

  @Override
  public Future<?> start() {
    String subscriberId = SubscriberIds.of(cluster.localNodeId(), instance);
    EventBusRoomClient rooms = new EventBusRoomClient(vertx, cluster, shards, options, clock);
    CoalescingReads history = new CoalescingReads(historyReader);
    RoomStreams streams = new RoomStreams(vertx, rooms, history, subscriberId, options.historyPageSize(),
        options.maxHeldMessages());
    presence = new PresenceReporter(vertx, subscriberId, options.presenceInterval());
    presence.start();
    SessionContext ctx = new SessionContext(vertx, options, tokens, policy, admission, rooms, streams, history,
        new PresenceClient(vertx.eventBus(), options.requestTimeout()), presence, logLimiter,
        clock);

    membership = cluster.onChange(() -> {
      rooms.refresh();
      streams.onMembershipChange();
    });
    // A change between the client's first read of the room services and the listener's
    // registration reaches no listener: read again now that it is registered. (A CI run saw a
    // gateway miss a room service's SERVING that way at start-up and send half the rooms to the
    // other one until each request's deadline.)
    rooms.refresh();
    rejoin = cluster.onRejoin(() -> {
      rooms.refresh();
      streams.onRejoin();
      presence.report();
    });

    EdgeGuard edge = new EdgeGuard(vertx, admission, logLimiter);
    OriginPolicy origins = new OriginPolicy(options.edge().allowedOrigins());
    Router router = Router.router(vertx);
    router.route().handler(edge::onRequest);
    router.get("/ws/v" + Frames.PROTOCOL_VERSION).handler(rc -> upgrade(rc, edge, origins,
        (ws, ip) -> {
          WebSocketTransport transport = new WebSocketTransport(ws, GatewayOptions.MAX_MESSAGE_BYTES);
          ClientSession session = new ClientSession(transport, ctx, ip);
          sessions.add(session);
          session.ended().onComplete(v -> sessions.remove(session));
          transport.bind(session);
        }));
    router.get("/ws/:version").handler(rc -> upgrade(rc, edge, origins, (ws, ip) -> {
      if (ip != null) {
        admission.releaseUnauthenticated(ip);
      }
      ws.close(CloseCode.UNSUPPORTED_VERSION.code(), "this gateway speaks /ws/v" + Frames.PROTOCOL_VERSION);
    }));
    router.get("/api/v1/rooms/:room/messages").handler(new HistoryApi(history, tokens, policy)::handle);
    router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));

    // Strict thread mode: every request and response of this server is handled on this verticle's
    // event loop (nothing here blocks or writes from another thread), so Vert.x writes HTTP/1.1
    // directly instead of through a per-connection MPSC outbound queue that preallocates a
    // 1024-slot chunk. That saves about 4.7 KB of heap per idle WebSocket (heap histogram in
    // docs/benchmarks.md). A response written off the event loop would fail with IllegalStateException.
    // No WebSocket compression: an inflating frame has no bound on its output in Vert.x 5.0.8 (a
    // 50 KB frame can inflate to 50 MiB on the event loop), and compressing every delivery per
    // socket costs more CPU than it saves on chat-sized messages (docs/security.md).
    // No HTTP/2 over cleartext: besides being unused, its detection waits for a connection's first
    // bytes before Vert.x reports the connection, which would let silent connections escape the
    // edge guard's admission and deadline.
    HttpServerOptions http = new HttpServerOptions()
        .setStrictThreadMode(true)
        .setHttp2ClearTextEnabled(false)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setMaxWebSocketFrameSize(GatewayOptions.MAX_MESSAGE_BYTES)
        .setMaxWebSocketMessageSize(GatewayOptions.MAX_MESSAGE_BYTES);
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(Addresses.gatewayDeliver(subscriberId), m -> streams.offer(m.body()))
            .completion(),
        vertx.createHttpServer(http).connectionHandler(edge::onConnection).requestHandler(router)
            .listen(options.port(), options.host()).onSuccess(s -> server = s));
  }

  @Override
  public Future<?> stop() {
    if (membership != null) {
      membership.remove();
    }
    if (rejoin != null) {
      rejoin.remove();
    }
    if (presence != null) {
      presence.stop();
    }
    // Drain: no new connections, and the open ones are told to reconnect elsewhere (4000), spread
    // over gateway.drainMs so that they do not arrive at the other gateways as one storm.
    draining = true;
    List<ClientSession> open = List.copyOf(sessions);
    log.atInfo().addKeyValue("connections", open.size()).addKeyValue("drainMs", options.drain().toMillis())
        .log("draining: closing connections with 4000");
    return PacedClose.over(vertx, open, options.drain(), s -> s.close(CloseCode.SHUTDOWN))
        // Closed here rather than by the undeployment, which can complete before the port is released.
        .compose(v -> server == null ? Future.succeededFuture() : server.close());
  }

  /**
   * Upgrades an allowed request to a WebSocket and hands it, with the address of the
   * unauthenticated slot its connection holds, to {@code then}.
   */
  private void upgrade(RoutingContext rc, EdgeGuard edge, OriginPolicy origins,
                       BiConsumer<ServerWebSocket, String> then) {
    if (draining) {
      EdgeGuard.unavailable(rc, 1, "this gateway is shutting down; connect to another");
      return;
    }
    String origin = rc.request().getHeader("Origin");
    if (!origins.allows(origin, rc.request().getHeader("Host"))) {
      long suppressed = logLimiter.acquire("origin-refused");
      if (suppressed != LogLimiter.DENIED) {
        log.atWarn().addKeyValue("origin", origin).addKeyValue("suppressed", suppressed)
            .log("WebSocket upgrade refused: origin not allowed");
      }
      HttpErrors.send(rc, 403, ErrorCode.FORBIDDEN, "origin " + origin + " may not open a WebSocket here");
      return;
    }
    String ip = edge.onUpgrade(rc.request());
    rc.request().toWebSocket()
        .onSuccess(ws -> then.accept(ws, ip))
        .onFailure(e -> {
          if (ip != null) {
            admission.releaseUnauthenticated(ip);
          }
          rc.request().connection().close();
        });
  }
}
