package io.switchboard.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import io.switchboard.common.config.ClusterOptions;
import io.switchboard.common.config.ConfigSource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A gateway joins as a Hazelcast lite member, over real members on loopback: it owns no partition,
 * so its loss moves no data, and it waits at start for a member that can hold data.
 */
class LiteMemberTest {

  private final String cluster = "lite-test-" + UUID.randomUUID();
  private final List<HazelcastInstance> dataMembers = new ArrayList<>();
  private final List<LiteMember> liteMembers = new ArrayList<>();

  @AfterEach
  void shutDown() {
    liteMembers.forEach(LiteMember::shutdown);
    dataMembers.forEach(HazelcastInstance::shutdown);
  }

  @Test
  void aGatewayWaitsForADataMemberThenOwnsNoPartition() throws Exception {
    int port = freePort();
    CompletableFuture<LiteMember> gateway = CompletableFuture.supplyAsync(
        () -> LiteMember.join(config(Role.GATEWAY, port), Duration.ofSeconds(30)));
    Thread.sleep(1500);
    assertThat(gateway).as("alone, it waits").isNotDone();

    HazelcastInstance history = Hazelcast.newHazelcastInstance(config(Role.HISTORY, port));
    dataMembers.add(history);
    LiteMember joined = gateway.get(30, TimeUnit.SECONDS);
    liteMembers.add(joined);

    HazelcastInstance lite = joined.clusterManager().getHazelcastInstance();
    assertThat(lite.getCluster().getLocalMember().isLiteMember()).isTrue();
    // A write through the gateway's instance lands on the data member's partitions.
    lite.getMap("probe").put("k", "v");
    assertThat(history.getMap("probe").get("k")).isEqualTo("v");
    for (Partition partition : lite.getPartitionService().getPartitions()) {
      assertThat(partition.getOwner()).as("partition %d", partition.getPartitionId())
          .isEqualTo(history.getCluster().getLocalMember());
    }
    assertThat(lite.getCluster().getLocalMember().getAttribute(HazelcastClusterView.VERTX_NODE_ID))
        .as("the node id vertx-hazelcast reads from an instance it is handed").isNotBlank();
  }

  @Test
  void onlyHistoryAndPresenceServicesHoldClusterData() {
    assertThat(java.util.Arrays.stream(Role.values()).filter(Role::holdsClusterData))
        .containsExactlyInAnyOrder(Role.HISTORY, Role.PRESENCE);
  }

  @Test
  void aGatewayAloneGivesUpWithTheSettingToChange() throws IOException {
    int port = freePort();
    assertThatThrownBy(() -> LiteMember.join(config(Role.GATEWAY, port), Duration.ofMillis(1500)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no data member").hasMessageContaining("cluster.dataMemberWaitMs");
    assertThat(Hazelcast.getAllHazelcastInstances()).as("the lite member it started is gone")
        .noneMatch(i -> i.getConfig().getClusterName().equals(cluster));
  }

  private Config config(Role role, int port) {
    ClusterOptions options = ClusterOptions.from(new ConfigSource(new JsonObject(), Map.of(
        "SWITCHBOARD_CLUSTER_NAME", cluster,
        "SWITCHBOARD_CLUSTER_PORT", String.valueOf(port),
        "SWITCHBOARD_CLUSTER_MEMBERS", "127.0.0.1:" + port)));
    return HazelcastConfigFactory.create(options, role);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
