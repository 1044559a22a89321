package io.switchboard.presence.store;

import java.util.Map;
import java.util.Set;
import java.util.SortedSet;

/** Who is online where, from gateway snapshots that expire unless refreshed. */
public interface PresenceStore {

  /** Replaces a gateway's snapshot; it expires at {@code expiresAt} (epoch ms) unless refreshed. */
  void update(String gateway, Map<String, Set<String>> rooms, long expiresAt);

  /** Users online in a room, across every live gateway, at time {@code now}. */
  SortedSet<String> online(String room, long now);

  /** Drops expired gateways; returns how many. */
  int expire(long now);
}
