package io.switchboard.systemtest;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test class that shares one standard cluster of separate JVM processes (2 gateways, 2 room
 * services, 1 presence, 1 history) across its tests, plus a Vert.x instance for the clients. After
 * the class, no process may have logged a blocked event loop. A class can give every process extra
 * environment with {@link ClusterEnv}.
 */
abstract class ClusterTestBase {

  /** Extra environment for the class's cluster, as {@code NAME=value} entries. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface ClusterEnv {
    String[] value();
  }

  protected static ClusterHarness cluster;
  protected static Vertx vertx;

  @BeforeAll
  static void startCluster(TestInfo info) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    ClusterEnv extra = info.getTestClass().orElseThrow().getAnnotation(ClusterEnv.class);
    if (extra != null) {
      for (String entry : extra.value()) {
        int eq = entry.indexOf('=');
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    cluster = ClusterHarness.standard(2, 2, env);
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
