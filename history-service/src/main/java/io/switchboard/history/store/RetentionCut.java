package io.switchboard.history.store;

import io.switchboard.common.history.RetentionRule;

/**
 * Where retention cuts one room: the new lowest retained seq. Retention only ever removes a
 * prefix of a room's history, so what stays is gap-free and the top never moves.
 */
final class RetentionCut {

  private RetentionCut() {
  }

  /**
   * @param firstSeq the room's current lowest retained seq
   * @param top the room's top seq
   * @param firstYoungEnough the lowest seq whose ts is within the age limit ({@code top + 1} if none is);
   *     ignored when the rule does not limit age
   */
  static long keepFrom(RetentionRule rule, long firstSeq, long top, long firstYoungEnough) {
    long keep = firstSeq;
    if (rule.limitsCount()) {
      keep = Math.max(keep, top - rule.maxMessages() + 1);
    }
    if (rule.limitsAge()) {
      keep = Math.max(keep, firstYoungEnough);
    }
    return Math.min(keep, top + 1);
  }

  /** The lowest and highest room ids that can start with {@code prefix} (an index range scan). */
  static String upperBound(String prefix) {
    return prefix + Character.MAX_VALUE;
  }
}
