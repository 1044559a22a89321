package io.switchboard.systemtest;

import io.switchboard.common.config.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test class that shares one standard cluster of separate JVM processes (2 gateways, 2 room
 * services, 1 presence, 1 history) across its tests, plus a Vert.x instance for the clients. After
 * the class, no process may have logged a blocked event loop. A class can give every process extra
 * environment with {@link ClusterEnv}, and run its event bus with TLS with {@link ClusterTls}.
 */
abstract class ClusterTestBase {

  /** Extra environment for the class's cluster, as {@code NAME=value} entries. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface ClusterEnv {
    String[] value();
  }

  /**
   * The class's cluster runs its event bus with TLS and client certificates, from a CA and member
   * certificate made by {@code ./switchboard certs} (kept in {@link #clusterCertificates}).
   */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface ClusterTls {
  }

  protected static ClusterHarness cluster;
  /** The certificates of a {@link ClusterTls} class's cluster, else null. */
  protected static TestCertificates clusterCertificates;
  protected static Vertx vertx;

  @BeforeAll
  static void startCluster(TestInfo info) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    Class<?> testClass = info.getTestClass().orElseThrow();
    // Run the class's static initialiser first: it may write files its cluster's settings name.
    Class.forName(testClass.getName(), true, testClass.getClassLoader());
    ClusterEnv extra = testClass.getAnnotation(ClusterEnv.class);
    if (extra != null) {
      for (String entry : extra.value()) {
        int eq = entry.indexOf('=');
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    clusterCertificates = null;
    if (info.getTestClass().orElseThrow().isAnnotationPresent(ClusterTls.class)) {
      Files.createDirectories(Path.of("target"));
      clusterCertificates = TestCertificates.issue(Files.createTempDirectory(Path.of("target"), "cluster-certs-"));
      env.putAll(clusterCertificates.env());
    }
    cluster = ClusterHarness.standard(2, 2, env);
    vertx = Vertx.vertx();
  }

  protected static List<String> gateways() {
    return cluster.all(ClusterHarness.Kind.GATEWAY).stream().map(ClusterHarness.Proc::wsUrl).toList();
  }

  /** A fresh client replays the whole room: exactly the acknowledged messages, gap-free, in order, each once. */
  protected static void assertRoomHoldsExactly(String room, Map<String, Long> acks) throws Exception {
    assertThat(acks).isNotEmpty();
    ChatClient auditor = ChatClient.connect(vertx, gateways().get(0), "auditor-" + room);
    auditor.joinSince(room, 0, null);
    auditor.await(f -> "recovered".equals(f.getString("type")), Duration.ofSeconds(30));
    List<JsonObject> all = auditor.messages(room);
    assertThat(all.stream().map(m -> m.getLong("seq")).toList()).as("gap-free from 1")
        .isEqualTo(LongStream.rangeClosed(1, all.size()).boxed().toList());
    Map<String, Long> stored = new HashMap<>();
    for (JsonObject m : all) {
      Long previous = stored.put(m.getString("sender") + "/" + m.getString("clientMsgId"), m.getLong("seq"));
      assertThat(previous).as("stored once: %s", m).isNull();
    }
    assertThat(stored).as("exactly the acknowledged messages, at their acknowledged seqs").isEqualTo(acks);
    auditor.close();
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
