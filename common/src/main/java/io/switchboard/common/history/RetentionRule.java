package io.switchboard.common.history;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the rooms whose id starts with {@code prefix} keep their messages. A room follows the
 * rule with the longest matching prefix; the empty prefix matches every room.
 *
 * @param prefix room-id prefix
 * @param maxMessages keep at most this many of the newest messages (0: no limit)
 * @param maxAge drop messages older than this ({@link Duration#ZERO}: no limit)
 */
public record RetentionRule(String prefix, long maxMessages, Duration maxAge) {

  public RetentionRule {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxMessages < 0 || maxAge.isNegative()) {
      throw new IllegalArgumentException("retention limits must not be negative");
    }
  }

  public boolean limitsCount() {
    return maxMessages > 0;
  }

  public boolean limitsAge() {
    return !maxAge.isZero();
  }

  /** True if {@code room} falls under this rule and under none of the more specific {@code longer} ones. */
  public boolean governs(String room, Iterable<String> longer) {
    if (!room.startsWith(prefix)) {
      return false;
    }
    for (String p : longer) {
      if (p.length() > prefix.length() && p.startsWith(prefix) && room.startsWith(p)) {
        return false;
      }
    }
    return true;
  }
}
