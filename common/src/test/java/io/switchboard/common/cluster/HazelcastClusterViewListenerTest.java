package io.switchboard.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import io.switchboard.common.config.ClusterOptions;
import io.switchboard.common.config.ConfigSource;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Membership changes reach a {@link HazelcastClusterView} listener with two real members on loopback. */
class HazelcastClusterViewListenerTest {

  private final String clusterName = "view-test-" + UUID.randomUUID();
  private final CountDownLatch releaseEventThread = new CountDownLatch(1);
  private final Vertx vertx = Vertx.vertx();
  private HazelcastInstance a;
  private HazelcastInstance b;

  @AfterEach
  void tearDown() {
    releaseEventThread.countDown();
    for (HazelcastInstance member : new HazelcastInstance[] {a, b}) {
      if (member != null) {
        member.getLifecycleService().terminate();
      }
    }
    vertx.close().await();
  }

  /**
   * vertx-hazelcast cleans up after a member that left with blocking calls on a Hazelcast event
   * thread; a listener whose events share that thread must not wait for it. Here the only event
   * thread is held by a map listener until the end of the test.
   */
  @Test
  void aListenerHearsOfAMemberThatLeftWhileHazelcastsEventThreadIsHeld() throws Exception {
    int port = freePort();
    a = member(port, port);
    b = member(port + 1, port);
    HazelcastClusterView view = new HazelcastClusterView(a, "node-a");
    CompletableFuture<Integer> heard = new CompletableFuture<>();
    CompletableFuture<Void> registered = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> {
      view.onChange(() -> heard.complete(a.getCluster().getMembers().size()));
      registered.complete(null);
    });
    registered.get(10, TimeUnit.SECONDS);
    CountDownLatch held = new CountDownLatch(1);
    IMap<String, String> map = a.getMap("held");
    map.addEntryListener((EntryAddedListener<String, String>) e -> {
      held.countDown();
      try {
        releaseEventThread.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }, false);
    map.put("k", "v");
    assertThat(held.await(10, TimeUnit.SECONDS)).as("the event thread is held").isTrue();

    b.getLifecycleService().terminate();

    assertThat(heard.get(10, TimeUnit.SECONDS)).as("members after b left").isEqualTo(1);
    assertThat(releaseEventThread.getCount()).as("the event thread was still held").isEqualTo(1);
  }

  private HazelcastInstance member(int port, int seedPort) {
    ClusterOptions options = ClusterOptions.from(new ConfigSource(new JsonObject(), Map.of(
        "SWITCHBOARD_CLUSTER_NAME", clusterName,
        "SWITCHBOARD_CLUSTER_PORT", String.valueOf(port),
        "SWITCHBOARD_CLUSTER_MEMBERS", "127.0.0.1:" + seedPort)));
    Config config = HazelcastConfigFactory.create(options, Role.GATEWAY);
    config.setProperty("hazelcast.event.thread.count", "1");
    return Hazelcast.newHazelcastInstance(config);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
