package io.switchboard.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;

/**
 * Joins the cluster as a Hazelcast lite member: a member that owns no partitions, so that its
 * arrival and its departure move no data. Gateways and room services join this way
 * ({@link Role#holdsClusterData()}). When one of them is killed, the others see a membership change
 * only; when a partition owner was killed, every member's event-bus registration look-ups waited
 * while its partitions were promoted, and a history instance that answers in milliseconds missed
 * its 1 s deadline (docs/architecture.md, "Failure detection").
 *
 * <p>A cluster of lite members alone cannot hold the event-bus registrations (Hazelcast refuses
 * every partition operation with {@code NoDataMemberInClusterException}), so the instance is
 * created here, before Vert.x, and handed over only once a data member (a history or presence
 * service) is in the cluster. Vert.x does not shut down an instance it was handed: {@link #shutdown}
 * does.
 */
public final class LiteMember {

  private static final Logger log = LoggerFactory.getLogger(LiteMember.class);
  private static final long POLL_MILLIS = 50;

  private final HazelcastInstance instance;

  private LiteMember(HazelcastInstance instance) {
    this.instance = instance;
  }

  /**
   * Starts a lite member with {@code config} and waits, at most {@code wait}, until the cluster has
   * a data member. Blocks: called on the main thread before Vert.x starts.
   *
   * @throws IllegalStateException when no data member joined in time (the instance is shut down)
   */
  public static LiteMember join(Config config, Duration wait) {
    config.setLiteMember(true);
    config.getMemberAttributeConfig().setAttribute(HazelcastClusterView.VERTX_NODE_ID, UUID.randomUUID().toString());
    HazelcastInstance instance = Hazelcast.newHazelcastInstance(config);
    long deadline = System.nanoTime() + wait.toNanos();
    boolean logged = false;
    while (!hasDataMember(instance)) {
      if (System.nanoTime() - deadline > 0) {
        instance.getLifecycleService().terminate();
        throw new IllegalStateException("no data member (history or presence service) joined the cluster within "
            + wait.toMillis() + " ms (cluster.dataMemberWaitMs); gateways and room services are lite members and cannot run without one");
      }
      if (!logged) {
        log.atInfo().addKeyValue("waitMs", wait.toMillis())
            .log("waiting for a data member (history or presence service): lite members cannot hold the event-bus registrations");
        logged = true;
      }
      sleep();
    }
    return new LiteMember(instance);
  }

  static boolean hasDataMember(HazelcastInstance instance) {
    return instance.getCluster().getMembers().stream().anyMatch(m -> !m.isLiteMember());
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a data member", e);
    }
  }

  public HazelcastClusterManager clusterManager() {
    return new HazelcastClusterManager(instance);
  }

  /** Leaves the cluster: what Vert.x's {@code close()} does for an instance it created itself. */
  public void shutdown() {
    if (instance.getLifecycleService().isRunning()) {
      instance.getLifecycleService().shutdown();
    }
  }
}
