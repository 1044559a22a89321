package io.switchboard.common.cluster;

import java.util.SortedSet;
import java.util.concurrent.CompletionStage;

/**
 * The live members of the cluster, by role, as this process currently sees them. Shard
 * ownership is computed from it, so every implementation must notify on every membership change,
 * and on every announcement a member makes about itself (that it serves, that it is leaving).
 */
public interface ClusterView {

  /**
   * This process's node id: the id the clustered event bus knows it by, the same for the life of
   * the process, even across a split and merge of the cluster (addresses are built from it).
   */
  String localNodeId();

  /**
   * Node ids (as {@link #localNodeId} on each member) of the live members with the given role that
   * serve, sorted. A member that {@link #announceLeaving announced it is leaving} is left out. So is
   * one that has not {@link #announceServing announced it serves} yet, once another member of its
   * role has: a member whose service never announces (or whose build predates announcements) counts
   * from the moment it joins, as long as no member of its role announces.
   */
  SortedSet<String> members(Role role);

  /**
   * Announces that this process serves its role now (its event-bus consumers are bound): every
   * member, this one at once and the others as soon as the announcement reaches them, counts it in
   * {@link #members} and calls its {@link #onChange} listeners. A shard owner announces this once it
   * listens, so that shards move to it only then, not when it joins the cluster seconds earlier.
   * Does not block.
   *
   * @return completes once the announcement is stored in the cluster
   */
  CompletionStage<Void> announceServing();

  /**
   * Announces that this process is stopping and will leave the cluster: every member, this one at
   * once and the others as soon as the announcement reaches them, leaves it out of
   * {@link #members} and calls its {@link #onChange} listeners. A shard owner announces this before
   * it stops, so that its shards move while it still answers, instead of only when it finally
   * leaves the cluster seconds later. Does not block.
   *
   * @return completes once the announcement is stored in the cluster
   */
  CompletionStage<Void> announceLeaving();

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
