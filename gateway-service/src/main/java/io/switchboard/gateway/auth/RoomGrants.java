package io.switchboard.gateway.auth;

import io.switchboard.common.protocol.Rooms;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rooms a token grants, from its rooms claim (in the spirit of Centrifugo's channel claims):
 * {@code {"private:team-42": ["join", "send"], "private:ops-*": ["join", "history"], ...}}. A key is
 * a room id, or a room-id prefix followed by {@code *}; the value lists {@link RoomAction}s by name,
 * or is {@code "all"}. Immutable.
 */
public final class RoomGrants {

  /** Most entries a claim may hold: each check walks them. */
  public static final int MAX_ENTRIES = 256;

  public static final RoomGrants NONE = new RoomGrants(List.of());

  private final List<Grant> grants;

  private RoomGrants(List<Grant> grants) {
    this.grants = List.copyOf(grants);
  }

  /**
   * Parses a claim value; null (no claim) grants nothing.
   *
   * @throws IllegalArgumentException naming what is wrong (the token is then rejected)
   */
  public static RoomGrants parse(Object claim) {
    if (claim == null) {
      return NONE;
    }
    if (!(claim instanceof JsonObject json)) {
      throw new IllegalArgumentException("the rooms claim must be an object of room (or prefix*) to rights");
    }
    if (json.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException("the rooms claim has more than " + MAX_ENTRIES + " entries");
    }
    List<Grant> out = new ArrayList<>(json.size());
    for (Map.Entry<String, Object> e : json) {
      String key = e.getKey();
      boolean prefix = key.endsWith("*");
      String room = prefix ? key.substring(0, key.length() - 1) : key;
      if (!(room.isEmpty() && prefix) && !Rooms.isValid(room)) {
        throw new IllegalArgumentException("the rooms claim names an invalid room or pattern: " + key);
      }
      out.add(new Grant(room, prefix, rights(key, e.getValue())));
    }
    return new RoomGrants(out);
  }

  private static Set<RoomAction> rights(String key, Object value) {
    if ("all".equals(value)) {
      return EnumSet.allOf(RoomAction.class);
    }
    if (!(value instanceof JsonArray list)) {
      throw new IllegalArgumentException("rights of " + key + " must be a list of actions or \"all\"");
    }
    EnumSet<RoomAction> rights = EnumSet.noneOf(RoomAction.class);
    for (Object v : list) {
      RoomAction a = v instanceof String s ? RoomAction.fromWire(s) : null;
      if (a == null) {
        throw new IllegalArgumentException("unknown right " + v + " for " + key + " (join, send, history, presence)");
      }
      rights.add(a);
    }
    return rights;
  }

  /** Whether some entry grants {@code action} on {@code room}. */
  public boolean grants(String room, RoomAction action) {
    for (Grant g : grants) {
      if (g.rights.contains(action) && (g.prefix ? room.startsWith(g.room) : room.equals(g.room))) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return grants.isEmpty();
  }

  private record Grant(String room, boolean prefix, Set<RoomAction> rights) {
  }
}
