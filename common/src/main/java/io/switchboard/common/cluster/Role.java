package io.switchboard.common.cluster;

import java.util.Locale;

/** What a cluster member does. Published as a Hazelcast member attribute so every member can tell. */
public enum Role {
  GATEWAY,
  ROOM,
  PRESENCE,
  HISTORY;

  /** Hazelcast member attribute that carries the role. */
  public static final String ATTRIBUTE = "switchboard.role";

  /**
   * Whether members of this role own Hazelcast partitions (Vert.x's event-bus registrations and
   * node map; Switchboard keeps nothing else there). History and presence services do. Gateways and
   * room services join as lite members ({@link LiteMember}): they are the members that are scaled,
   * restarted and failed over, and the loss of one should move no data. A data member's loss
   * stalls every member's registration look-ups while its partitions are promoted (about a second
   * on a small host: docs/architecture.md, "Failure detection").
   */
  public boolean holdsClusterData() {
    return this == HISTORY || this == PRESENCE;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromId(String id) {
    return id == null ? null : valueOf(id.toUpperCase(Locale.ROOT));
  }
}
