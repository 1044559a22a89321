package io.switchboard.common.config;

import java.time.Duration;
import java.util.List;

/**
 * How a process joins the Hazelcast cluster and binds the clustered event bus.
 *
 * @param name cluster name; processes with different names never join each other
 * @param bindHost interface address Hazelcast and the event bus bind to; {@code auto} means this
 *     host's address on the network that reaches the first seed member (see {@link OwnAddress})
 * @param publicHost address other members use to reach this one (defaults to {@code bindHost};
 *     {@code auto} as for {@code bindHost}, for containers binding {@code 0.0.0.0})
 * @param port first Hazelcast port tried; later ones auto-increment
 * @param members TCP/IP seed members, {@code host} or {@code host:port} (no port ranges)
 * @param eventBusPort event-bus TCP port: fixed so that a firewall rule can name it (several
 *     processes on one host need one each); 0 for an ephemeral one
 * @param heartbeatInterval how often members send each other heartbeats; whole seconds, at least 1 s
 *     (Hazelcast counts them in seconds)
 * @param maxNoHeartbeat time without a heartbeat after which a member is declared dead and its rooms
 *     move; whole seconds, at least twice the heartbeat interval. It decides how long the rooms of
 *     a member that went silent (a frozen process, a vanished host) stay unwritable; too short, and
 *     a member merely stalled by load is dropped and must merge back (see docs/architecture.md)
 * @param dataMemberWait how long a gateway or room service (Hazelcast lite members) waits at start
 *     for a member that holds data (a history or presence service) before it gives up
 * @param probe the reachability probe of every other member's host (ICMP echo, answered by the
 *     peer's kernel), which detects a vanished host or container sooner than the heartbeat limit
 *     without suspecting a process that is merely starved of CPU
 */
public record ClusterOptions(
    String name,
    String bindHost,
    String publicHost,
    int port,
    List<String> members,
    int eventBusPort,
    Duration heartbeatInterval,
    Duration maxNoHeartbeat,
    Duration dataMemberWait,
    Probe probe) {

  /**
   * Hazelcast's ICMP failure detector in parallel mode: every {@code interval} each member pings
   * every other member's address, and {@code attempts} consecutive pings unanswered within
   * {@code timeout} declare it dead. A process that cannot open raw sockets pings with a TCP
   * connection to the echo port (7) instead, which the peer's kernel answers with a reset just the
   * same. A vanished host is detected after {@code interval x (attempts - 1) + timeout} plus up to
   * one interval.
   *
   * @param interval time between pings, at least 1 s (Hazelcast's minimum); zero turns the probe off
   * @param timeout time a ping waits for its answer, at most the interval
   * @param attempts consecutive unanswered pings that declare a member dead, at least 1
   */
  public record Probe(Duration interval, Duration timeout, int attempts) {

    public static final Probe OFF = new Probe(Duration.ZERO, Duration.ZERO, 1);

    public Probe {
      if (!interval.isZero()) {
        if (interval.toMillis() < 1000) {
          throw new ConfigException("cluster.probeIntervalMs must be 0 (off) or at least 1000 (Hazelcast's minimum), was "
              + interval.toMillis());
        }
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(interval) > 0) {
          throw new ConfigException("cluster.probeTimeoutMs must be positive and at most cluster.probeIntervalMs ("
              + interval.toMillis() + "), was " + timeout.toMillis());
        }
        if (attempts < 1) {
          throw new ConfigException("cluster.probeAttempts must be at least 1, was " + attempts);
        }
      }
    }

    public boolean enabled() {
      return !interval.isZero();
    }
  }

  /** The event-bus port when none is configured: right after Hazelcast's range (5701, 100 ports). */
  public static final int DEFAULT_EVENT_BUS_PORT = 5801;

  public ClusterOptions {
    members = List.copyOf(members);
    if (name == null || name.isBlank()) {
      throw new ConfigException("cluster.name must not be empty");
    }
    if (members.isEmpty()) {
      throw new ConfigException("cluster.members must list at least one seed member");
    }
    if (port < 1 || port > 65535) {
      throw new ConfigException("cluster.port must be a TCP port, was " + port);
    }
    if (eventBusPort < 0 || eventBusPort > 65535) {
      throw new ConfigException("cluster.eventBusPort must be a TCP port or 0, was " + eventBusPort);
    }
    requireWholeSeconds("cluster.heartbeatIntervalMs", heartbeatInterval);
    requireWholeSeconds("cluster.maxNoHeartbeatMs", maxNoHeartbeat);
    if (maxNoHeartbeat.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new ConfigException("cluster.maxNoHeartbeatMs must be at least twice cluster.heartbeatIntervalMs ("
          + heartbeatInterval.toMillis() + "), was " + maxNoHeartbeat.toMillis());
    }
  }

  /** Hazelcast takes its failure-detection settings in whole seconds: refuse what it would round. */
  private static void requireWholeSeconds(String key, Duration d) {
    if (d.isZero() || d.toMillis() % 1000 != 0) {
      throw new ConfigException(key + " must be a whole number of seconds, at least 1000 (Hazelcast counts in seconds), was "
          + d.toMillis());
    }
  }

  public static ClusterOptions from(ConfigSource src) {
    List<String> seeds = src.list("cluster.members", null);
    String bindHost = resolve(src.string("cluster.bindHost", "127.0.0.1"), seeds);
    String publicHost = resolve(src.string("cluster.publicHost", "0.0.0.0".equals(bindHost) ? "auto" : bindHost), seeds);
    return new ClusterOptions(
        src.string("cluster.name", "switchboard"),
        bindHost,
        publicHost,
        src.integer("cluster.port", 5701),
        seeds == null ? List.of(bindHost) : seeds,
        src.integer("cluster.eventBusPort", DEFAULT_EVENT_BUS_PORT),
        src.millis("cluster.heartbeatIntervalMs", Duration.ofSeconds(1)),
        src.millis("cluster.maxNoHeartbeatMs", Duration.ofSeconds(5)),
        src.millis("cluster.dataMemberWaitMs", Duration.ofSeconds(60)),
        new Probe(
            src.millis("cluster.probeIntervalMs", Duration.ofSeconds(1)),
            src.millis("cluster.probeTimeoutMs", Duration.ofMillis(500)),
            src.integer("cluster.probeAttempts", 2)));
  }

  private static String resolve(String host, List<String> seeds) {
    return "auto".equals(host) ? OwnAddress.towards(seeds == null ? List.of() : seeds) : host;
  }
}
