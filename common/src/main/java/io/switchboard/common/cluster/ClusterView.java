package io.switchboard.common.cluster;

import java.util.SortedSet;

/**
 * The live members of the cluster, by role, as this process currently sees them. Shard
 * ownership is computed from it, so every implementation must notify on every membership change.
 */
public interface ClusterView {

  /**
   * This process's node id: the id the clustered event bus knows it by, the same for the life of
   * the process, even across a split and merge of the cluster (addresses are built from it).
   */
  String localNodeId();

  /** Node ids (as {@link #localNodeId} on each member) of the live members with the given role, sorted. */
  SortedSet<String> members(Role role);

  /**
   * Registers a listener called after every membership change. The listener runs on the Vert.x
   * context that registered it (or on the calling thread if there is none).
   *
   * @return a handle that removes the listener
   */
  Registration onChange(Runnable listener);

  /**
   * Registers a listener called when this process starts merging back into the cluster it had
   * been cut off from (a pause, a partition): before it rejoins, so before the membership changes
   * of the merge reach {@link #onChange} listeners. While apart, each side went on with its own
   * membership: whatever this process held may have been taken over and changed by others, and
   * must be dropped here. Runs like {@link #onChange} listeners.
   *
   * @return a handle that removes the listener
   */
  Registration onMergeStart(Runnable listener);

  /**
   * Registers a listener called after this process has merged back into the cluster (see
   * {@link #onMergeStart}): what the others dropped while it was away (its subscriptions, its
   * presence) must be announced again. Runs like {@link #onChange} listeners.
   *
   * @return a handle that removes the listener
   */
  Registration onRejoin(Runnable listener);

  /** Removes a listener. */
  interface Registration {
    void remove();
  }
}
