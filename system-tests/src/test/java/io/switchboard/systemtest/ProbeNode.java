package io.switchboard.systemtest;

import io.switchboard.common.cluster.HazelcastConfigFactory;
import io.switchboard.common.cluster.Role;
import io.switchboard.common.config.ClusterOptions;
import io.switchboard.common.config.ConfigSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A clustered Vert.x node inside the test JVM that joins a {@link ClusterHarness} cluster as a full
 * Hazelcast member, with no Switchboard role, and whatever event-bus security the test gives it:
 * a trusted member's, or an intruder's. It records what it receives on the addresses it listens to.
 */
final class ProbeNode implements AutoCloseable {

  final String name;
  final Vertx vertx;
  private final List<JsonObject> received = new CopyOnWriteArrayList<>();

  private ProbeNode(String name, Vertx vertx) {
    this.name = name;
    this.vertx = vertx;
  }

  /**
   * Starts a node joining {@code cluster}; {@code security} configures its event bus, given the
   * cluster options (bind host, ports) this node uses.
   */
  static Future<ProbeNode> start(ClusterHarness cluster, String name, BiConsumer<EventBusOptions, ClusterOptions> security)
      throws IOException {
    ClusterOptions options = ClusterOptions.from(new ConfigSource(new JsonObject(), Map.of(
        "SWITCHBOARD_CLUSTER_NAME", cluster.clusterName(),
        "SWITCHBOARD_CLUSTER_PORT", String.valueOf(ClusterHarness.freePort()),
        "SWITCHBOARD_CLUSTER_MEMBERS", String.join(",", cluster.seedMembers()),
        "SWITCHBOARD_CLUSTER_EVENT_BUS_PORT", "0")));
    var hazelcast = HazelcastConfigFactory.create(options, Role.GATEWAY);
    // A member with no role: no service routes rooms or presence to it on its own account.
    hazelcast.getMemberAttributeConfig().removeAttribute(Role.ATTRIBUTE);
    VertxOptions vertxOptions = new VertxOptions();
    security.accept(vertxOptions.getEventBusOptions(), options);
    return Vertx.builder().with(vertxOptions).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered()
        .map(vertx -> new ProbeNode(name, vertx));
  }

  /** Records every message published or sent to {@code address} on this node. */
  Future<Void> listen(String address) {
    return vertx.eventBus().<JsonObject>consumer(address, msg -> received.add(msg.body())).completion();
  }

  /** The messages this node has received so far, in order. */
  List<JsonObject> received() {
    return List.copyOf(received);
  }

  /** How many messages this node has received so far. */
  int receivedCount() {
    return received.size();
  }

  @Override
  public void close() {
    vertx.close().await();
  }

  @Override
  public String toString() {
    return name;
  }
}
