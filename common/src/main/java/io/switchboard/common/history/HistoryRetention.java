package io.switchboard.common.history;

import io.vertx.core.Future;

import java.util.Collection;

/** Removes old history by rule: run by the history service, next to its store, and by nothing else. */
public interface HistoryRetention {

  /**
   * Applies one retention rule to every room it governs (rooms under a longer prefix in
   * {@code longerPrefixes} follow their own rule). Removes whole prefixes of a room's history only,
   * so what remains stays gap-free, and never changes a room's top or epoch.
   *
   * @return how many messages were removed
   */
  Future<Long> applyRetention(RetentionRule rule, Collection<String> longerPrefixes, long nowMillis);
}
