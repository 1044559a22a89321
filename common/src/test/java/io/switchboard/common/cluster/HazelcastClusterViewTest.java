package io.switchboard.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.switchboard.common.config.ClusterOptions;
import io.switchboard.common.config.ConfigSource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Membership as every process sees it, over real Hazelcast members on loopback: a shard owner counts
 * from when it announces that it serves, not from when it joins, and no longer from when it announces
 * that it is leaving, not from when it leaves.
 */
class HazelcastClusterViewTest {

  private final String cluster = "view-test-" + UUID.randomUUID();
  private final List<HazelcastInstance> members = new ArrayList<>();

  @AfterEach
  void shutDown() {
    members.forEach(HazelcastInstance::shutdown);
  }

  @Test
  void aMemberCountsFromWhenItAnnouncesItServesUntilItAnnouncesItIsLeaving() throws Exception {
    int port = freePort();
    HazelcastClusterView a = join("node-a", Role.ROOM, port);
    HazelcastClusterView b = join("node-b", Role.ROOM, port);
    awaitUntil(() -> a.members(Role.ROOM).size() == 2);
    assertThat(a.members(Role.ROOM)).as("while no member of the role announces, every one counts")
        .containsExactly("node-a", "node-b");
    a.announceServing().toCompletableFuture().get(10, TimeUnit.SECONDS);
    b.announceServing().toCompletableFuture().get(10, TimeUnit.SECONDS);
    awaitUntil(() -> a.members(Role.ROOM).size() == 2);
    AtomicInteger changes = new AtomicInteger();
    a.onChange(changes::incrementAndGet);

    HazelcastClusterView c = join("node-c", Role.ROOM, port);
    awaitUntil(() -> members.get(0).getCluster().getMembers().size() == 3);
    assertThat(a.members(Role.ROOM)).as("a member that joined but does not serve yet").containsExactly("node-a", "node-b");
    int before = changes.get();
    c.announceServing().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(c.members(Role.ROOM)).as("its own view, at once").containsExactly("node-a", "node-b", "node-c");
    awaitUntil(() -> changes.get() > before && a.members(Role.ROOM).size() == 3);
    assertThat(a.members(Role.ROOM)).as("another member's view, once told").containsExactly("node-a", "node-b", "node-c");

    a.announceLeaving().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(a.members(Role.ROOM)).as("the leaving member's own view, at once").containsExactly("node-b", "node-c");
    awaitUntil(() -> b.members(Role.ROOM).size() == 2);
    assertThat(b.members(Role.ROOM)).as("another member's view, once told").containsExactly("node-b", "node-c");
    HazelcastClusterView d = join("node-d", Role.GATEWAY, port);
    assertThat(d.members(Role.ROOM)).as("the view of a member that joins afterwards").containsExactly("node-b", "node-c");
    assertThat(d.members(Role.GATEWAY)).as("a role whose members never announce").containsExactly("node-d");
    assertThat(members.get(0).getCluster().getMembers()).as("every one still a member of the cluster").hasSize(4);
  }

  private HazelcastClusterView join(String nodeId, Role role, int port) {
    ClusterOptions options = ClusterOptions.from(new ConfigSource(new JsonObject(), Map.of(
        "SWITCHBOARD_CLUSTER_NAME", cluster,
        "SWITCHBOARD_CLUSTER_PORT", String.valueOf(port),
        "SWITCHBOARD_CLUSTER_MEMBERS", "127.0.0.1:" + port)));
    Config config = HazelcastConfigFactory.create(options, role);
    config.getMemberAttributeConfig().setAttribute(HazelcastClusterView.VERTX_NODE_ID, nodeId);
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    members.add(member);
    return new HazelcastClusterView(member, nodeId);
  }

  private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met within 15 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
