package io.switchboard.common.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** JSON shapes of presence heartbeats and queries, written once for gateways and the presence service. */
public final class PresenceProtocol {

  private PresenceProtocol() {
  }

  /** A gateway instance's full snapshot: {@code {gateway, ttlMs, rooms: {room: [users]}}}. */
  public static JsonObject heartbeat(String gateway, long ttlMs, Map<String, ? extends Collection<String>> rooms) {
    JsonObject byRoom = new JsonObject();
    rooms.forEach((room, users) -> byRoom.put(room, new JsonArray(new ArrayList<>(users))));
    return new JsonObject().put("gateway", gateway).put("ttlMs", ttlMs).put("rooms", byRoom);
  }

  public static Map<String, Set<String>> rooms(JsonObject heartbeat) {
    Map<String, Set<String>> out = new HashMap<>();
    JsonObject rooms = heartbeat.getJsonObject("rooms", new JsonObject());
    for (String room : rooms.fieldNames()) {
      Set<String> users = new HashSet<>();
      rooms.getJsonArray(room).forEach(u -> users.add(String.valueOf(u)));
      out.put(room, users);
    }
    return out;
  }

  public static JsonObject query(String room) {
    return new JsonObject().put("room", room);
  }

  public static JsonObject queryReply(Collection<String> users) {
    return new JsonObject().put("users", new JsonArray(new ArrayList<>(users)));
  }

  public static List<String> users(JsonObject reply) {
    List<String> out = new ArrayList<>();
    reply.getJsonArray("users").forEach(u -> out.add(String.valueOf(u)));
    return out;
  }
}
