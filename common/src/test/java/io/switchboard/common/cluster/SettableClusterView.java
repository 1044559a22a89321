package io.switchboard.common.cluster;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * For tests: a cluster whose members, role by role, are whatever the test last {@link #set}; each
 * change calls the change listeners at once, on the caller's thread, as a membership event would.
 */
public final class SettableClusterView implements NeverMerges {

  private final String localNodeId;
  private final Map<Role, SortedSet<String>> members = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public SettableClusterView(String localNodeId) {
    this.localNodeId = localNodeId;
  }

  /** Makes {@code nodes} the members with {@code role}, then calls every change listener. */
  public SettableClusterView set(Role role, String... nodes) {
    members.put(role, Collections.unmodifiableSortedSet(new TreeSet<>(List.of(nodes))));
    listeners.forEach(Runnable::run);
    return this;
  }

  /** Change listeners registered and not removed. */
  public int listeners() {
    return listeners.size();
  }

  @Override
  public String localNodeId() {
    return localNodeId;
  }

  @Override
  public SortedSet<String> members(Role role) {
    return members.getOrDefault(role, Collections.emptySortedSet());
  }

  /** Announcements change nothing here: the members are whatever the test set. */
  @Override
  public CompletionStage<Void> announceServing() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> announceLeaving() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public Registration onChange(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }
}
