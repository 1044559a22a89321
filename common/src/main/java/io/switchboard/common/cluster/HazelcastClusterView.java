package io.switchboard.common.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/** {@link ClusterView} over Hazelcast membership; roles come from member attributes. */
public final class HazelcastClusterView implements ClusterView {

  private static final Logger log = LoggerFactory.getLogger(HazelcastClusterView.class);

  private final HazelcastInstance hazelcast;

  public HazelcastClusterView(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  @Override
  public String localNodeId() {
    return hazelcast.getCluster().getLocalMember().getUuid().toString();
  }

  @Override
  public SortedSet<String> members(Role role) {
    TreeSet<String> ids = new TreeSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      if (role.id().equals(m.getAttribute(Role.ATTRIBUTE))) {
        ids.add(m.getUuid().toString());
      }
    }
    return Collections.unmodifiableSortedSet(ids);
  }

  /** Logs every membership change once per process, with the member's role. */
  public void logMembershipChanges() {
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        log.atInfo().addKeyValue("member", e.getMember().getUuid())
            .addKeyValue("role", e.getMember().getAttribute(Role.ATTRIBUTE))
            .addKeyValue("size", e.getMembers().size()).log("cluster member joined");
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        log.atInfo().addKeyValue("member", e.getMember().getUuid())
            .addKeyValue("role", e.getMember().getAttribute(Role.ATTRIBUTE))
            .addKeyValue("size", e.getMembers().size()).log("cluster member left");
      }
    });
  }

  @Override
  public Registration onChange(Runnable listener) {
    Context ctx = Vertx.currentContext();
    Runnable dispatch = ctx == null ? listener : () -> ctx.runOnContext(v -> listener.run());
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
    return () -> hazelcast.getCluster().removeMembershipListener(id);
  }
}
