package io.switchboard.common.cluster;

import com.hazelcast.config.Config;
import io.switchboard.common.config.ClusterOptions;
import io.switchboard.common.config.ConfigSource;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import org.junit.jupiter.api.Test;

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
}
