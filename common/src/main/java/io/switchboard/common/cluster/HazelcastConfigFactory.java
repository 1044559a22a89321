package io.switchboard.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.IcmpFailureDetectorConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.switchboard.common.config.ClusterOptions;

/**
 * Builds the Hazelcast member configuration: TCP/IP discovery from a member list, multicast and
 * auto-detection off, failure detection in seconds rather than the 60 s default, and the
 * member's role as an attribute.
 */
public final class HazelcastConfigFactory {

  private HazelcastConfigFactory() {
  }

  public static Config create(ClusterOptions options, Role role) {
    Config config = withVertxStructures(new Config());
    config.setClusterName(options.name());
    config.getMemberAttributeConfig().setAttribute(Role.ATTRIBUTE, role.id());

    // Hazelcast's own metrics (JVM, OS, per-structure probes) are sampled every few seconds in every
    // process and nothing reads them: Switchboard exposes its metrics through Micrometer.
    config.getMetricsConfig().setEnabled(false);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.heartbeat.interval.seconds",
        String.valueOf(Math.max(1, options.heartbeatInterval().toSeconds())));
    config.setProperty("hazelcast.max.no.heartbeat.seconds",
        String.valueOf(Math.max(2, options.maxNoHeartbeat().toSeconds())));
    // An operation on a partition whose owner just left (Vert.x's look-up of where an event-bus
    // address lives) is retried until the partition is promoted: every 100 ms rather than every 500.
    config.setProperty("hazelcast.invocation.retry.pause.millis", "100");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "2");
    // Members on one host listed without a port are probed on this many consecutive ports.
    config.setProperty("hazelcast.tcp.join.port.try.count", "20");
    // Heal a split that happened while members started concurrently within seconds.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(options.port()).setPortAutoIncrement(true).setPortCount(100);
    network.setPublicAddress(options.publicHost());
    if (!"0.0.0.0".equals(options.bindHost())) {
      network.getInterfaces().setEnabled(true).addInterface(options.bindHost());
      config.setProperty("hazelcast.socket.bind.any", "false");
    }
    ClusterOptions.Probe probe = options.probe();
    if (probe.enabled()) {
      // Parallel mode pings every member on its own schedule, alongside the heartbeats. Not failing
      // fast at start: without raw-socket rights the JDK pings with a TCP connection to port 7.
      network.setIcmpFailureDetectorConfig(new IcmpFailureDetectorConfig().setEnabled(true).setParallelMode(true).setFailFastOnStartup(false)
          .setIntervalMilliseconds((int) probe.interval().toMillis())
          .setTimeoutMilliseconds((int) probe.timeout().toMillis())
          .setMaxAttempts(probe.attempts()));
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(options.members());
    return config;
  }

  /**
   * The structures the Vert.x cluster manager relies on, as its {@code default-cluster.xml} declares
   * them: the event-bus subscriptions as a multimap of sets, and the node and HA maps, one backup
   * each. Declared here instead of parsing that file (Vert.x's {@code ConfigUtil.loadConfig()}):
   * the XML parse with schema validation took a third of a second of every start.
   */
  static Config withVertxStructures(Config config) {
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs")
        .setBackupCount(1).setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return config;
  }
}
