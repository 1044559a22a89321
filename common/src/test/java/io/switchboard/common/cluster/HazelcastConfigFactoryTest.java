package io.switchboard.common.cluster;

import com.hazelcast.config.Config;
import io.switchboard.common.config.ClusterOptions;
import com.hazelcast.config.IcmpFailureDetectorConfig;
import io.switchboard.common.config.ConfigSource;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The member configuration Switchboard builds in code instead of loading Vert.x's XML. */
class HazelcastConfigFactoryTest {

  private static final String SUBSCRIPTIONS = "__vertx.subs";
  private static final String NODE_INFO = "__vertx.nodeInfo";
  private static final String HA_INFO = "__vertx.haInfo";

  private final Config config = HazelcastConfigFactory.create(
      ClusterOptions.from(ConfigSource.empty()), Role.ROOM);

  @Test
  void declaresTheEventBusStructuresAsTheVertxClusterManagerShipsThem() {
    // Vert.x's default-cluster.xml: if an upgrade changes it, this fails and the code follows.
    Config vertxDefault = ConfigUtil.loadConfig();

    assertThat(config.getMultiMapConfigs()).containsOnlyKeys(SUBSCRIPTIONS);
    assertThat(config.getMultiMapConfig(SUBSCRIPTIONS)).isEqualTo(vertxDefault.getMultiMapConfig(SUBSCRIPTIONS));
    assertThat(config.getMapConfigs()).containsOnlyKeys(NODE_INFO, HA_INFO);
    assertThat(config.getMapConfig(NODE_INFO)).isEqualTo(vertxDefault.getMapConfig(NODE_INFO));
    assertThat(config.getMapConfig(HA_INFO)).isEqualTo(vertxDefault.getMapConfig(HA_INFO));
  }

  @Test
  void everyMemberPingsEveryOtherOnItsOwnScheduleWithoutRequiringRawSockets() {
    IcmpFailureDetectorConfig icmp = config.getNetworkConfig().getIcmpFailureDetectorConfig();
    assertThat(icmp.isEnabled()).isTrue();
    assertThat(icmp.isParallelMode()).as("pings alongside the heartbeats, not only after 10 missed ones").isTrue();
    assertThat(icmp.isFailFastOnStartup()).as("falls back to the TCP echo port without raw sockets").isFalse();
    assertThat(icmp.getIntervalMilliseconds()).isEqualTo(1000);
    assertThat(icmp.getTimeoutMilliseconds()).isEqualTo(500);
    assertThat(icmp.getMaxAttempts()).isEqualTo(2);

    Config off = HazelcastConfigFactory.create(ClusterOptions.from(
        new ConfigSource(new JsonObject(), Map.of("SWITCHBOARD_CLUSTER_PROBE_INTERVAL_MS", "0"))), Role.ROOM);
    assertThat(off.getNetworkConfig().getIcmpFailureDetectorConfig()).satisfiesAnyOf(
        c -> assertThat(c).isNull(), c -> assertThat(c.isEnabled()).isFalse());
  }
}
