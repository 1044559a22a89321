package io.switchboard.gateway.edge;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
 * @param connects new connections per second and burst this gateway process accepts, when set: a
 *     reconnect storm (the clients of a lost gateway arriving at once) is admitted at this pace, and
 *     the connections over it are refused as over the caps above; empty admits at any pace
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
    int maxRateLimitStrikes,
    Optional<Rate> connects) {

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
        src.integer("gateway.maxRateLimitStrikes", 20),
        connects(src.integer("gateway.connectRate", 0), src.integer("gateway.connectBurst", 0)));
  }

  /** {@code gateway.connectRate} 0 admits at any pace; the burst defaults to one second's worth. */
  private static Optional<Rate> connects(int perSecond, int burst) {
    if (perSecond < 0 || burst < 0) {
      throw new ConfigException("gateway.connectRate and gateway.connectBurst must be 0 or more, were "
          + perSecond + " and " + burst);
    }
    return perSecond == 0 ? Optional.empty() : Optional.of(new Rate(perSecond, burst == 0 ? perSecond : burst));
  }
}
