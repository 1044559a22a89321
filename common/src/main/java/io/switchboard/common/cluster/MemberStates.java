package io.switchboard.common.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What members have said about themselves since they joined, which a Hazelcast member attribute
 * cannot say (attributes are fixed at join): that a member serves (its event-bus consumers are
 * bound), or that it is leaving. Kept in a small cluster map, {@value #MAP}, node id to state.
 * Every process keeps a copy through an entry listener, so reading it never makes a remote call.
 *
 * <p>The map stays small: a leaving member's entry expires after a minute, and the oldest member
 * removes the entry of every member that leaves the cluster. A member re-announces its state after
 * it merged back into the cluster, and if its entry is lost while it is still a member. Thread-safe.
 */
final class MemberStates {

  private static final Logger log = LoggerFactory.getLogger(MemberStates.class);

  enum State { SERVING, LEAVING }

  /** The cluster map of member states. */
  static final String MAP = "switchboard.member-states";
  /**
   * How long a leaving member's entry is kept: far longer than a process takes to leave once it has
   * announced it (at most 15 s, {@code ServiceLauncher}).
   */
  private static final Duration LEAVING_TTL = Duration.ofMinutes(1);

  /** How often the whole map is read again, in case an entry event was missed. */
  private static final Duration RESYNC = Duration.ofSeconds(1);

  private final HazelcastInstance hazelcast;
  private final String localNodeId;
  private final IMap<String, String> map;
  private final Map<String, State> states = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  /** Whether the last re-read failed (logged once per run of failures); the re-read thread's only. */
  private boolean resyncFailing;
  /** This member's own state, once it announced one. */
  private volatile State own;

  /**
   * Reads the states and listens for changes: blocks on the cluster, so construct it before any
   * event loop depends on it.
   */
  MemberStates(HazelcastInstance hazelcast, String localNodeId) {
    this.hazelcast = hazelcast;
    this.localNodeId = localNodeId;
    this.map = hazelcast.getMap(MAP);
    // Listen first, then read: a state announced in between is seen by one or both.
    map.addEntryListener(new Listener(), true);
    map.entrySet().forEach(e -> states.put(e.getKey(), State.valueOf(e.getValue())));
    startResync();
    hazelcast.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
        reannounce();
      }
    });
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        forgetIfOldest(e.getMember());
      }
    });
  }

  /**
   * The members of one role that serve, out of {@code members} (the live members with that role):
   * not those leaving, and, once any of them has announced that it serves, only those that have.
   * Members that never announce (a role whose service does not, or a build from before
   * announcements) are all counted while none of their role announces.
   */
  SortedSet<String> serving(SortedSet<String> members) {
    boolean announcing = members.stream().anyMatch(states::containsKey);
    TreeSet<String> serving = new TreeSet<>();
    for (String node : members) {
      State state = states.get(node);
      if (state == State.SERVING || (state == null && !announcing)) {
        serving.add(node);
      }
    }
    return Collections.unmodifiableSortedSet(serving);
  }

  /** Announces this member's state: it counts as such here at once, and elsewhere once they hear. */
  CompletionStage<Void> announce(State state) {
    own = state;
    states.put(localNodeId, state);
    log.atInfo().addKeyValue("node", localNodeId).addKeyValue("state", state).log("announcing this member's state");
    return put(state);
  }

  /** Calls {@code listener} (on a Hazelcast thread) after each change of a member's state. */
  Runnable onChange(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private CompletionStage<Void> put(State state) {
    CompletionStage<String> put = state == State.LEAVING
        ? map.putAsync(localNodeId, state.name(), LEAVING_TTL.toMillis(), TimeUnit.MILLISECONDS)
        : map.putAsync(localNodeId, state.name());
    return put.thenApply(previous -> null);
  }

  /** After a merge, or a loss of its entry, a member says again what it said before. */
  private void reannounce() {
    State state = own;
    if (state != null) {
      log.atInfo().addKeyValue("node", localNodeId).addKeyValue("state", state).log("announcing this member's state again");
      put(state).exceptionally(e -> {
        log.atWarn().addKeyValue("node", localNodeId).log("could not announce this member's state again: {}", e.toString());
        return null;
      });
    }
  }

  /**
   * Reads the whole map again every {@link #RESYNC} on a daemon thread of its own and applies what
   * differs. An entry event can be missed while this member joins and the map's partitions move (a
   * gateway once never heard that a room service served, and sent its rooms to the other one for
   * as long as it ran); this bounds such a miss to one period.
   */
  private void startResync() {
    ScheduledExecutorService resync = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "switchboard-member-states");
      t.setDaemon(true);
      return t;
    });
    resync.scheduleWithFixedDelay(() -> {
      if (!hazelcast.getLifecycleService().isRunning()) {
        resync.shutdown();
        return;
      }
      try {
        Map<String, String> now = new HashMap<>();
        map.entrySet().forEach(e -> now.put(e.getKey(), e.getValue()));
        now.forEach((node, state) -> changed(node, State.valueOf(state)));
        // This member's own entry may be on its way to the map: it re-announces if it was lost.
        states.keySet().stream().filter(node -> !now.containsKey(node) && !node.equals(localNodeId))
            .toList().forEach(node -> changed(node, null));
        resyncFailing = false;
      } catch (RuntimeException e) {
        if (!resyncFailing) {
          resyncFailing = true;
          log.atWarn().log("member states not re-read (will retry every {} ms): {}", RESYNC.toMillis(), e.toString());
        }
      }
    }, RESYNC.toMillis(), RESYNC.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The oldest member removes the entry of a member that left, so that the map does not grow. */
  private void forgetIfOldest(Member gone) {
    Iterator<Member> members = hazelcast.getCluster().getMembers().iterator();
    String node = gone.getAttribute(HazelcastClusterView.VERTX_NODE_ID);
    if (node != null && members.hasNext() && members.next().localMember()) {
      map.removeAsync(node);
    }
  }

  private void changed(String node, State state) {
    State before = state == null ? states.remove(node) : states.put(node, state);
    if (before != state) {
      log.atInfo().addKeyValue("node", node).addKeyValue("state", state == null ? "gone" : state)
          .log("cluster member state changed");
      listeners.forEach(Runnable::run);
    }
    if (state == null && node.equals(localNodeId) && own == State.SERVING) {
      reannounce();
    }
  }

  /** Keeps {@link #states} in step with the map. */
  private final class Listener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
      EntryMergedListener<String, String>, EntryRemovedListener<String, String>, EntryExpiredListener<String, String>,
      EntryEvictedListener<String, String> {

    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      changed(e.getKey(), State.valueOf(e.getValue()));
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> e) {
      changed(e.getKey(), State.valueOf(e.getValue()));
    }

    @Override
    public void entryMerged(EntryEvent<String, String> e) {
      changed(e.getKey(), State.valueOf(e.getValue()));
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> e) {
      changed(e.getKey(), null);
    }

    @Override
    public void entryExpired(EntryEvent<String, String> e) {
      changed(e.getKey(), null);
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> e) {
      changed(e.getKey(), null);
    }
  }
}
