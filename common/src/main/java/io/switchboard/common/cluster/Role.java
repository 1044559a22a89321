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

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromId(String id) {
    return id == null ? null : valueOf(id.toUpperCase(Locale.ROOT));
  }
}
