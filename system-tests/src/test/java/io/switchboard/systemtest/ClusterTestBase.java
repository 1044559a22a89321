package io.switchboard.systemtest;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test class that shares one standard cluster of separate JVM processes (2 gateways, 2 room
 * services, 1 presence, 1 history) across its tests, plus a Vert.x instance for the clients. After
 * the class, no process may have logged a blocked event loop.
 */
abstract class ClusterTestBase {

  protected static ClusterHarness cluster;
  protected static Vertx vertx;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ClusterHarness.standard(2, 2);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (vertx != null) {
      vertx.close().await();
    }
    if (cluster != null) {
      List<String> blocked = cluster.blockedThreadWarnings();
      cluster.close();
      assertThat(blocked).as("blocked event loop warnings in the cluster logs").isEmpty();
    }
  }
}
