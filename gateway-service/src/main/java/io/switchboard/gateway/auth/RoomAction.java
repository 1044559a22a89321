package io.switchboard.gateway.auth;

import java.util.Locale;

/** What a connection may want to do with a room; each is allowed or refused by the room's namespace policy. */
public enum RoomAction {
  /** Join: receive the room's messages live, and replay what was missed with {@code since}. */
  JOIN,
  /** Send messages to the room. */
  SEND,
  /** Page through the room's history over the HTTP API. */
  HISTORY,
  /** See who is online in the room. */
  PRESENCE;

  /** The name used in configuration and token claims, e.g. {@code join}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The action named {@code wire}, or null if there is none. */
  public static RoomAction fromWire(String wire) {
    for (RoomAction a : values()) {
      if (a.wire().equals(wire)) {
        return a;
      }
    }
    return null;
  }
}
