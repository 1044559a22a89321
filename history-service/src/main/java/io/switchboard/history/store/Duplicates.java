package io.switchboard.history.store;

import java.util.Map;

/** Guards the duplicate path of the SQL stores. */
final class Duplicates {

  private Duplicates() {
  }

  /**
   * The dedupe index refused an insert, so some key of the batch must exist. If none is found the
   * store is inconsistent: fail loudly rather than let the sequencer retry an empty result forever.
   */
  static Map<Integer, Long> nonEmpty(Map<Integer, Long> existing, String room) {
    if (existing.isEmpty()) {
      throw new IllegalStateException("room " + room + ": dedupe index refused an insert but no existing key was found");
    }
    return existing;
  }
}
