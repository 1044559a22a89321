package io.switchboard.common.bus;

import io.switchboard.common.cluster.ClusterView;
import io.switchboard.common.cluster.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The live history-service instances as this process sees them, and which one a request tries
 * next: the next in turn among those it has not tried, passing over an instance that recently let
 * a request time out (it may be frozen, or gone without the cluster noticing yet) while another is
 * left. Tells its listener which instances left the cluster, as soon as the membership says so.
 * Thread-safe: one per process, shared by every event loop that calls the history service.
 */
final class HistoryInstances implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HistoryInstances.class);

  private final ClusterView cluster;
  private final LongSupplier clock;
  private final long suspicionMs;
  private final Consumer<Set<String>> onLeave;
  private final Map<String, Long> suspectedUntil = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();
  private final ClusterView.Registration registration;
  private volatile SortedSet<String> live;

  /**
   * @param suspicionMs how long an instance that let a request time out is passed over
   * @param onLeave called with the instances that left, after they stopped being {@link #isLive live}
   */
  HistoryInstances(ClusterView cluster, LongSupplier clock, long suspicionMs, Consumer<Set<String>> onLeave) {
    this.cluster = cluster;
    this.clock = clock;
    this.suspicionMs = suspicionMs;
    this.onLeave = onLeave;
    // Listen first, then read: a change in between reaches the listener, or the read, or both.
    this.live = Collections.emptySortedSet();
    this.registration = cluster.onChange(this::refresh);
    this.live = cluster.members(Role.HISTORY);
  }

  /** Re-reads the membership; called on every change. */
  private void refresh() {
    SortedSet<String> before = live;
    SortedSet<String> now = cluster.members(Role.HISTORY);
    live = now;
    suspectedUntil.keySet().retainAll(now);
    Set<String> left = new TreeSet<>(before);
    left.removeAll(now);
    if (!left.isEmpty()) {
      onLeave.accept(left);
    }
  }

  /**
   * The instance to try next: a live one not in {@code tried}, preferring those not under
   * suspicion; null when every live instance was tried.
   */
  String next(Set<String> tried) {
    long now = clock.getAsLong();
    List<String> trusted = new ArrayList<>();
    List<String> suspected = new ArrayList<>();
    for (String instance : live) {
      if (!tried.contains(instance)) {
        Long until = suspectedUntil.get(instance);
        (until != null && until > now ? suspected : trusted).add(instance);
      }
    }
    List<String> pool = trusted.isEmpty() ? suspected : trusted;
    return pool.isEmpty() ? null : pool.get(Math.floorMod(turn.getAndIncrement(), pool.size()));
  }

  /** Whether a live instance other than those in {@code tried} is left to try. */
  boolean anyUntried(Set<String> tried) {
    return !tried.containsAll(live);
  }

  /** Whether any history instance is live. */
  boolean anyLive() {
    return !live.isEmpty();
  }

  boolean isLive(String instance) {
    return live.contains(instance);
  }

  /** {@code instance} let a request time out: pass it over for a while, as long as another is live. */
  void suspect(String instance) {
    long now = clock.getAsLong();
    Long previous = suspectedUntil.put(instance, now + suspicionMs);
    if (previous == null || previous <= now) {
      log.atWarn().addKeyValue("instance", instance).addKeyValue("forMs", suspicionMs)
          .log("a history instance did not answer in time; sending to the others first");
    }
  }

  @Override
  public void close() {
    registration.remove();
  }
}
