package io.switchboard.gateway.edge;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;

import java.time.Duration;
import java.util.List;

/**
 * Limits of the public edge: who may open a WebSocket, how long an upgrade may take, how many
 * connections may wait for {@code hello}, and how fast a connection and a user may go. Defaults and
 * reasons are in docs/security.md.
 *
 * @param allowedOrigins browser origins allowed to open a WebSocket besides the gateway's own
 *     (same host); {@code *} allows any. Requests without an {@code Origin} (non-browser clients) pass
 * @param upgradeTimeout a connection that has not completed its HTTP request (or upgrade) by then is closed
 * @param maxUnauthenticatedPerIp connections from one address that have not said {@code hello} yet
 * @param maxUnauthenticated connections in total that have not said {@code hello} yet
 * @param maxAnsweredRefusals connections over those caps that may wait at once, for up to a second,
 *     for their request to be answered {@code 503} with {@code Retry-After}; more are closed at once
 * @param maxConnectionsPerUser authenticated connections of one user on this gateway process
 * @param frames frames per second and burst one connection may send
 * @param sends messages per second and burst one user may send, over all its connections on this process
 * @param maxRateLimitStrikes consecutive frames refused as {@code rate_limited} before the connection is closed (4005)
 */
public record EdgeLimits(
    List<String> allowedOrigins,
    Duration upgradeTimeout,
    int maxUnauthenticatedPerIp,
    int maxUnauthenticated,
    int maxAnsweredRefusals,
    int maxConnectionsPerUser,
    Rate frames,
    Rate sends,
    int maxRateLimitStrikes) {

  /** A token bucket: {@code perSecond} refilled continuously, up to {@code burst}. */
  public record Rate(int perSecond, int burst) {
    public Rate {
      if (perSecond < 1 || burst < 1) {
        throw new ConfigException("rates and bursts must be at least 1, were " + perSecond + "/s and " + burst);
      }
    }
  }

  public EdgeLimits {
    allowedOrigins = List.copyOf(allowedOrigins);
    for (int n : new int[] {maxUnauthenticatedPerIp, maxUnauthenticated, maxConnectionsPerUser, maxRateLimitStrikes}) {
      if (n < 1) {
        throw new ConfigException("gateway connection limits must be at least 1, got " + n);
      }
    }
    if (maxAnsweredRefusals < 0) {
      throw new ConfigException("gateway.maxAnsweredRefusals must be 0 or more, got " + maxAnsweredRefusals);
    }
  }

  public static EdgeLimits from(ConfigSource src) {
    return new EdgeLimits(
        src.list("gateway.allowedOrigins", List.of()),
        src.millis("gateway.upgradeTimeoutMs", Duration.ofSeconds(10)),
        src.integer("gateway.maxUnauthenticatedPerIp", 64),
        src.integer("gateway.maxUnauthenticated", 4096),
        src.integer("gateway.maxAnsweredRefusals", 256),
        src.integer("gateway.maxConnectionsPerUser", 32),
        new Rate(src.integer("gateway.frameRate", 50), src.integer("gateway.frameBurst", 200)),
        new Rate(src.integer("gateway.sendRate", 20), src.integer("gateway.sendBurst", 50)),
        src.integer("gateway.maxRateLimitStrikes", 20));
  }
}
