package io.switchboard.common.cluster;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * For tests: a cluster whose room-service members are whatever the test last set, with no member
 * in any other role. Listeners are never called; the test applies a membership change itself.
 *
 * @param localNodeId this process's node id
 * @param roomNodes the room-service members, set by the test
 */
public record TestClusterView(String localNodeId, AtomicReference<SortedSet<String>> roomNodes) implements NeverMerges {

  /** A cluster of one room-service node, {@code node}, seen from that node. */
  public static TestClusterView soleRoomNode(String node) {
    return new TestClusterView(node, new AtomicReference<>(nodes(node)));
  }

  /** A sorted set of node ids. */
  public static SortedSet<String> nodes(String... nodes) {
    return new TreeSet<>(List.of(nodes));
  }

  @Override
  public SortedSet<String> members(Role role) {
    return role == Role.ROOM ? roomNodes.get() : new TreeSet<>();
  }

  /** This node is among the room-service members. */
  @Override
  public CompletionStage<Void> announceServing() {
    return changeRoomNodes(nodes -> nodes.add(localNodeId));
  }

  /** This node is no longer among the room-service members. */
  @Override
  public CompletionStage<Void> announceLeaving() {
    return changeRoomNodes(nodes -> nodes.remove(localNodeId));
  }

  private CompletionStage<Void> changeRoomNodes(Consumer<SortedSet<String>> change) {
    roomNodes.updateAndGet(nodes -> {
      SortedSet<String> changed = new TreeSet<>(nodes);
      change.accept(changed);
      return changed;
    });
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public Registration onChange(Runnable listener) {
    return () -> { };
  }
}
