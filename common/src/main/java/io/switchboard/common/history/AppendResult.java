package io.switchboard.common.history;

import java.util.Map;

/** What the store did with an appended batch. Nothing is written unless the result is {@link Appended}. */
public sealed interface AppendResult {

  /** The whole batch is durable; the room's top is now {@code top}. */
  record Appended(long top, String epoch) implements AppendResult {
  }

  /**
   * The batch does not continue the room (its first seq is not top + 1, or the epoch differs):
   * the writer's view is stale, typically a shard owner that lost its shard. Reload and retry.
   */
  record Conflict(long top, String epoch) implements AppendResult {
  }

  /**
   * Some messages were committed earlier under the same dedupe key.
   *
   * @param existingSeqs batch index to the seq that message already has
   */
  record Duplicates(Map<Integer, Long> existingSeqs, long top, String epoch) implements AppendResult {
    public Duplicates {
      existingSeqs = Map.copyOf(existingSeqs);
    }
  }
}
