package io.switchboard.common.history;

import io.vertx.core.Future;

import java.util.List;

/**
 * Appends to a room's durable log under the fence that keeps seqs unique: what a room's
 * sequencer writes through.
 */
public interface HistoryWriter {

  /** The room's top seq and epoch; creates the room's lineage if the room is new. */
  Future<RoomState> state(String room);

  /**
   * Appends a batch atomically. The batch's seqs must be consecutive and start at the room's
   * top + 1 under the given epoch, otherwise nothing is written and the result is a
   * {@link AppendResult.Conflict}. If any message's dedupe key is already stored, nothing is
   * written and the result lists those messages' existing seqs.
   *
   * <p>If the store can never accept the batch as sent (a message holds data it cannot represent,
   * such as a NUL character in an id or a body it cannot encode), the future fails with
   * {@link UnprocessableMessageException} and nothing is written. Any other failure leaves the
   * outcome unknown: the batch may or may not be durable.
   */
  Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch);
}
