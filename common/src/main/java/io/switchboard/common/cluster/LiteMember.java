package io.switchboard.common.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
    CompletableFuture<Void> dataMember = new CompletableFuture<>();
    UUID listener = instance.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        if (!event.getMember().isLiteMember()) {
          dataMember.complete(null);
        }
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
      }
    });
    try {
      if (!hasDataMember(instance)) { // one may have joined before the listener was registered
        log.atInfo().addKeyValue("waitMs", wait.toMillis())
            .log("waiting for a data member (history or presence service): lite members cannot hold the event-bus registrations");
        dataMember.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      }
      return new LiteMember(instance);
    } catch (TimeoutException e) {
      instance.getLifecycleService().terminate();
      throw new IllegalStateException("no data member (history or presence service) joined the cluster within "
          + wait.toMillis() + " ms (cluster.dataMemberWaitMs); gateways and room services are lite members and cannot run without one");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      instance.getLifecycleService().terminate();
      throw new IllegalStateException("interrupted while waiting for a data member", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      if (instance.getLifecycleService().isRunning()) {
        instance.getCluster().removeMembershipListener(listener);
      }
    }
  }

  static boolean hasDataMember(HazelcastInstance instance) {
    return instance.getCluster().getMembers().stream().anyMatch(m -> !m.isLiteMember());
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
