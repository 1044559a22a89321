package io.switchboard.common.protocol;

import java.util.regex.Pattern;

/** What a room id may be, the same for the WebSocket protocol and the HTTP API. */
public final class Rooms {

  /** Letters, digits and {@code _ . : -}, 1 to 128 characters. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:\\-]{1,128}");

  private Rooms() {
  }

  /** Same rule as {@link #ID}, checked without a regex: it runs on every frame that names a room. */
  public static boolean isValid(String room) {
    if (room == null || room.isEmpty() || room.length() > 128) {
      return false;
    }
    for (int i = 0; i < room.length(); i++) {
      char c = room.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == ':' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
