package io.switchboard.common.cluster;

import java.util.SortedSet;

/**
 * The live members of the cluster, by role, as this process currently sees them. Shard
 * ownership is computed from it, so every implementation must notify on every membership change.
 */
public interface ClusterView {

  /** This process's node id (the same id the clustered event bus uses). */
  String localNodeId();

  /** Node ids of the live members with the given role, sorted. */
  SortedSet<String> members(Role role);

  /**
   * Registers a listener called after every membership change. The listener runs on the Vert.x
   * context that registered it (or on the calling thread if there is none).
   *
   * @return a handle that removes the listener
   */
  Registration onChange(Runnable listener);

  /** Removes a listener. */
  interface Registration {
    void remove();
  }
}
