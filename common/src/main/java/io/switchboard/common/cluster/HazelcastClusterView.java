package io.switchboard.common.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * {@link ClusterView} over Hazelcast membership; roles come from member attributes. A member is
 * named by its Vert.x node id, never by its Hazelcast member UUID: Hazelcast gives a member a new
 * UUID when it merges back after a split (a pause longer than the failure timeout, a partition),
 * while Vert.x keeps its node id in a member attribute that survives the merge and republishes
 * the node's event-bus registrations under it. Addresses and shard owners built from the UUID would
 * point at nothing after a merge.
 *
 * <p>What a member announces after it joined (that it serves, that it is leaving) is kept in
 * {@link MemberStates}; {@link #members} counts only the members that serve.
 */
public final class HazelcastClusterView implements ClusterView {

  private static final Logger log = LoggerFactory.getLogger(HazelcastClusterView.class);
  /**
   * The member attribute vertx-hazelcast keeps each node's Vert.x node id in (documented in its
   * manual, "Using an existing Hazelcast cluster").
   */
  static final String VERTX_NODE_ID = "__vertx.nodeId";

  /** How often an {@link #onChange} listener on a Vert.x context also reads the member list itself. */
  static final long MEMBERSHIP_CHECK_MS = 100;

  private final HazelcastInstance hazelcast;
  private final String localNodeId;
  private final MemberStates states;
  /** Set on the merge thread from MERGING until MERGED (or MERGE_FAILED), before the membership changes. */
  private volatile boolean merging;

  /**
   * Reads the members' announced states and listens for changes: blocks on the cluster, so
   * construct it before any event loop depends on it.
   *
   * @param localNodeId this process's Vert.x node id ({@code ClusterManager.getNodeId()})
   */
  public HazelcastClusterView(HazelcastInstance hazelcast, String localNodeId) {
    this.hazelcast = hazelcast;
    this.localNodeId = localNodeId;
    this.states = new MemberStates(hazelcast, localNodeId);
    hazelcast.getLifecycleService().addLifecycleListener(e -> {
      switch (e.getState()) {
        case MERGING -> merging = true;
        case MERGED, MERGE_FAILED -> merging = false;
        default -> {
        }
      }
    });
  }

  @Override
  public String localNodeId() {
    return localNodeId;
  }

  @Override
  public SortedSet<String> members(Role role) {
    TreeSet<String> ids = new TreeSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      String nodeId = m.getAttribute(VERTX_NODE_ID);
      if (nodeId != null && role.id().equals(m.getAttribute(Role.ATTRIBUTE))) {
        ids.add(nodeId);
      }
    }
    return states.serving(ids);
  }

  @Override
  public CompletionStage<Void> announceServing() {
    return states.announce(MemberStates.State.SERVING);
  }

  @Override
  public CompletionStage<Void> announceLeaving() {
    return states.announce(MemberStates.State.LEAVING);
  }

  /** Logs every membership change once per process, with the member's role, and every merge after a split. */
  public void logMembershipChanges() {
    hazelcast.getLifecycleService().addLifecycleListener(e -> {
      switch (e.getState()) {
        case MERGING -> log.atWarn().addKeyValue("node", localNodeId)
            .log("merging back into the cluster after a split (a pause, a partition, or members that started at once)");
        case MERGED -> log.atInfo().addKeyValue("node", localNodeId).addKeyValue("size",
            hazelcast.getCluster().getMembers().size()).log("merged back into the cluster");
        case MERGE_FAILED -> log.atError().addKeyValue("node", localNodeId)
            .log("merging back into the cluster failed");
        default -> {
        }
      }
    });
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        log.atInfo().addKeyValue("member", e.getMember().getUuid())
            .addKeyValue("node", e.getMember().getAttribute(VERTX_NODE_ID))
            .addKeyValue("role", e.getMember().getAttribute(Role.ATTRIBUTE))
            .addKeyValue("size", e.getMembers().size()).log("cluster member joined");
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        log.atInfo().addKeyValue("member", e.getMember().getUuid())
            .addKeyValue("node", e.getMember().getAttribute(VERTX_NODE_ID))
            .addKeyValue("role", e.getMember().getAttribute(Role.ATTRIBUTE))
            .addKeyValue("size", e.getMembers().size()).log("cluster member left");
      }
    });
  }

  @Override
  public Registration onMergeStart(Runnable listener) {
    return onLifecycle(LifecycleEvent.LifecycleState.MERGING, listener);
  }

  @Override
  public Registration onRejoin(Runnable listener) {
    return onLifecycle(LifecycleEvent.LifecycleState.MERGED, listener);
  }

  /**
   * Hazelcast fires MERGING on its merge thread before it resets the member and rejoins, and MERGED
   * after; membership events of the merge come in between. The listener is dispatched to the
   * caller's context, as membership listeners are, so it runs in that order there. The merge thread
   * holds the lifecycle lock: work is only handed over from it, never run on it.
   */
  private Registration onLifecycle(LifecycleEvent.LifecycleState state, Runnable listener) {
    Runnable dispatch = onCallersContext(listener);
    UUID id = hazelcast.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == state) {
        dispatch.run();
      }
    });
    return () -> hazelcast.getLifecycleService().removeLifecycleListener(id);
  }

  /** {@code listener}, run on the Vert.x context of the caller if it has one. */
  private static Runnable onCallersContext(Runnable listener) {
    Context ctx = Vertx.currentContext();
    return ctx == null ? listener : () -> ctx.runOnContext(v -> listener.run());
  }

  /**
   * Hazelcast hands each listener's events to one of a few event threads, chosen by its
   * registration, and vertx-hazelcast's own listener cleans up after a member that left on its
   * thread with blocking cluster calls. Those can take over half a second while the dead member's
   * partitions move (Hazelcast retries such a call after a 500 ms pause), and a listener that
   * shares the thread hears of the change only then: a gateway went on sending to a dropped room
   * service for 0.65 s that way. So a listener registered on a Vert.x context also reads the member
   * list itself every {@link #MEMBERSHIP_CHECK_MS} ms, and runs once per change, whichever way
   * notices it first. That check pauses while this process merges back into the cluster, whose
   * membership changes must reach listeners after {@link #onMergeStart}'s.
   */
  @Override
  public Registration onChange(Runnable listener) {
    Context ctx = Vertx.currentContext();
    MemberListWatch watch = new MemberListWatch(listener);
    Runnable dispatch = ctx == null ? watch::check : () -> ctx.runOnContext(v -> watch.check());
    // Announcements (serving, leaving) change no member list: they reach the listener directly.
    Runnable stopStates = states.onChange(onCallersContext(listener));
    UUID id = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        dispatch.run();
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        dispatch.run();
      }
    });
    long timer = ctx == null ? -1 : ctx.owner().setPeriodic(MEMBERSHIP_CHECK_MS, t -> watch.checkUnlessMerging());
    return () -> {
      stopStates.run();
      hazelcast.getCluster().removeMembershipListener(id);
      if (timer >= 0) {
        ctx.owner().cancelTimer(timer);
      }
    };
  }

  /** Runs a listener when the member list differs from the one it last ran for (or was registered with). */
  private final class MemberListWatch {
    private final Runnable listener;
    private Set<Member> seen = hazelcast.getCluster().getMembers();

    MemberListWatch(Runnable listener) {
      this.listener = listener;
    }

    void check() {
      runIfChanged(hazelcast.getCluster().getMembers());
    }

    /**
     * As {@link #check}, unless this process is merging back. The list is read before the flag:
     * a list the merge has changed comes with the flag it set before changing it.
     */
    void checkUnlessMerging() {
      Set<Member> now = hazelcast.getCluster().getMembers();
      if (!merging) {
        runIfChanged(now);
      }
    }

    private void runIfChanged(Set<Member> now) {
      if (!now.equals(seen)) {
        seen = now;
        listener.run();
      }
    }
  }
}
