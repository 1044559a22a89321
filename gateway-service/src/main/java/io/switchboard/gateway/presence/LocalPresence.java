package io.switchboard.gateway.presence;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who is in which room on one gateway instance: a user is in a room while any of their
 * connections there has joined it (two tabs are one presence). Kept as each join and leave
 * happens, so a heartbeat reads it without walking the sessions. Event-loop confined.
 */
public final class LocalPresence {

  /** room -> user -> how many of the user's connections have joined the room. */
  private final Map<String, Map<String, Integer>> rooms = new HashMap<>();

  /** One of {@code user}'s connections joined {@code room}; true if the user was not there before. */
  public boolean joined(String room, String user) {
    return rooms.computeIfAbsent(room, r -> new HashMap<>()).merge(user, 1, Integer::sum) == 1;
  }

  /** One of {@code user}'s connections left {@code room}; true if that was the user's last one there. */
  public boolean left(String room, String user) {
    Map<String, Integer> users = rooms.get(room);
    if (users == null || !users.containsKey(user)) {
      throw new IllegalStateException("user " + user + " left room " + room + " without having joined it");
    }
    boolean gone = users.merge(user, -1, (a, b) -> a + b == 0 ? null : a + b) == null;
    if (users.isEmpty()) {
      rooms.remove(room);
    }
    return gone;
  }

  /** Room -> users present now, in a stable order: the heartbeat's payload. */
  public Map<String, Set<String>> snapshot() {
    Map<String, Set<String>> copy = new TreeMap<>();
    rooms.forEach((room, users) -> copy.put(room, new TreeSet<>(users.keySet())));
    return copy;
  }
}
