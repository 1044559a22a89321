package io.switchboard.common.protocol;

import java.util.regex.Pattern;

/** What a room id may be, the same for the WebSocket protocol and the HTTP API. */
public final class Rooms {

  /** Letters, digits and {@code _ . : -}, 1 to 128 characters. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:\\-]{1,128}");

  private Rooms() {
  }

  public static boolean isValid(String room) {
    return room != null && ID.matcher(room).matches();
  }
}
