package io.switchboard.room.shard;

import io.switchboard.common.cluster.ClusterView;
import io.switchboard.common.cluster.Role;
import io.switchboard.common.shard.ShardMap;

import java.util.Objects;
import java.util.SortedSet;

/**
 * Which rooms this room-service instance owns, from the current cluster membership. Refreshed on
 * every membership change; between refreshes it answers from the last view.
 */
public final class ShardOwnership {

  private final ClusterView cluster;
  private final ShardMap shards;
  private final String self;
  private SortedSet<String> roomNodes;
  private ShardMap.Owners owners;

  public ShardOwnership(ClusterView cluster, ShardMap shards) {
    this.cluster = cluster;
    this.shards = shards;
    this.self = cluster.localNodeId();
    refresh();
  }

  /** Re-reads membership; returns true if the set of room-service instances changed. */
  public boolean refresh() {
    SortedSet<String> now = cluster.members(Role.ROOM);
    boolean changed = !now.equals(roomNodes);
    if (changed) {
      roomNodes = now;
      owners = shards.owners(now);
    }
    return changed;
  }

  public boolean owns(String room) {
    return Objects.equals(owners.ownerOf(room), self);
  }

  public int roomNodeCount() {
    return roomNodes.size();
  }
}
