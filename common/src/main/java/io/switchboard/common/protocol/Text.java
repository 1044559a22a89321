package io.switchboard.common.protocol;

/** Checks on client-supplied identifiers (user ids, {@code clientMsgId}, {@code ref}). */
public final class Text {

  private Text() {
  }

  /**
   * True if {@code s} holds no control character (C0, DEL or C1) and no unpaired surrogate: text
   * that every store, log and client can hold as it is (PostgreSQL refuses NUL in text, and an
   * unpaired surrogate has no UTF-8 encoding).
   */
  public static boolean isPlain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
