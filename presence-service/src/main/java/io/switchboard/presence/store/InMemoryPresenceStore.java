package io.switchboard.presence.store;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** {@link PresenceStore} in memory: presence is soft state rebuilt by the next heartbeats. */
public final class InMemoryPresenceStore implements PresenceStore {

  private final Map<String, Snapshot> gateways = new HashMap<>();

  @Override
  public synchronized void update(String gateway, Map<String, Set<String>> rooms, long expiresAt) {
    gateways.put(gateway, new Snapshot(Map.copyOf(rooms), expiresAt));
  }

  @Override
  public synchronized SortedSet<String> online(String room, long now) {
    SortedSet<String> users = new TreeSet<>();
    for (Snapshot s : gateways.values()) {
      if (s.expiresAt > now) {
        users.addAll(s.rooms.getOrDefault(room, Set.of()));
      }
    }
    return users;
  }

  @Override
  public synchronized int expire(long now) {
    int before = gateways.size();
    gateways.values().removeIf(s -> s.expiresAt <= now);
    return before - gateways.size();
  }

  private record Snapshot(Map<String, Set<String>> rooms, long expiresAt) {
  }
}
