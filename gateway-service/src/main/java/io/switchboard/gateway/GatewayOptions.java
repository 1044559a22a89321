package io.switchboard.gateway;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.gateway.edge.EdgeLimits;
import io.switchboard.gateway.ws.BodyLimits;

import java.time.Duration;

/**
 * Gateway settings, read once at start-up (see docs/configuration.md).
 *
 * @param host public interface for WebSockets and the chat page
 * @param port public port
 * @param instances gateway verticle instances (each one is a fan-out subscriber)
 * @param maxFrameChars largest accepted client text frame, in characters; larger gets {@code too_large}
 * @param maxRoomsPerConnection rooms one connection may join
 * @param maxOutboundBytes per-socket outbound buffer; a socket that fills it is closed as a slow consumer
 * @param helloTimeout time a new connection has to say hello
 * @param pingInterval interval of server WebSocket pings
 * @param pongTimeout a connection silent for this long (no pong, no frame) is closed
 * @param requestTimeout deadline of a send or join at the room service, retries included
 * @param roomAttemptTimeout deadline of one attempt of such a request: an attempt left unanswered
 *     this long is sent again, to the room's owner of that moment, within {@code requestTimeout}
 * @param historyPageSize messages per history page during recovery and gap repair
 * @param maxHeldMessages live messages held per socket while it recovers; more restarts the page walk
 * @param presenceInterval period of the batched presence heartbeat
 * @param breakerMaxFailures failures that open a room-service instance's circuit breaker
 * @param breakerReset time an open breaker waits before letting a trial request through
 * @param drain on shutdown (SIGTERM), the window over which open connections are closed with
 *     {@code 4000}, evenly spread; new upgrades are refused with 503 meanwhile
 * @param edge origins, upgrade deadline, connection caps and rate limits
 * @param body limits of a message body
 */
public record GatewayOptions(
    String host,
    int port,
    int instances,
    int maxFrameChars,
    int maxRoomsPerConnection,
    int maxOutboundBytes,
    Duration helloTimeout,
    Duration pingInterval,
    Duration pongTimeout,
    Duration requestTimeout,
    Duration roomAttemptTimeout,
    int historyPageSize,
    int maxHeldMessages,
    Duration presenceInterval,
    int breakerMaxFailures,
    Duration breakerReset,
    Duration drain,
    EdgeLimits edge,
    BodyLimits body) {

  /** Largest WebSocket message (and frame) the gateway reads; a larger one closes the connection with 1009. */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024;

  public GatewayOptions {
    if (roomAttemptTimeout.isZero()) {
      throw new ConfigException("gateway.roomAttemptTimeoutMs must be positive");
    }
  }

  public static GatewayOptions defaults() {
    return from(ConfigSource.empty());
  }

  public static GatewayOptions from(ConfigSource src) {
    return new GatewayOptions(
        src.string("gateway.host", "0.0.0.0"),
        src.integer("gateway.port", 8080),
        src.integer("gateway.instances", 1),
        src.integer("gateway.maxFrameChars", 16 * 1024),
        src.integer("gateway.maxRoomsPerConnection", 100),
        src.integer("gateway.maxOutboundBytes", 512 * 1024),
        src.millis("gateway.helloTimeoutMs", Duration.ofSeconds(10)),
        src.millis("gateway.pingIntervalMs", Duration.ofSeconds(25)),
        src.millis("gateway.pongTimeoutMs", Duration.ofSeconds(60)),
        src.millis("gateway.requestTimeoutMs", Duration.ofSeconds(5)),
        src.millis("gateway.roomAttemptTimeoutMs", Duration.ofSeconds(1)),
        src.integer("gateway.historyPageSize", 500),
        src.integer("gateway.maxHeldMessages", 10_000),
        src.millis("gateway.presenceIntervalMs", Duration.ofSeconds(2)),
        src.integer("gateway.breakerMaxFailures", 5),
        src.millis("gateway.breakerResetMs", Duration.ofSeconds(3)),
        src.millis("gateway.drainMs", Duration.ofSeconds(5)),
        EdgeLimits.from(src),
        BodyLimits.from(src));
  }
}
