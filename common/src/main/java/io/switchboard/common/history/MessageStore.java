package io.switchboard.common.history;

import io.vertx.core.Future;

import java.util.List;

/**
 * The durable record of every room: the source of truth for replay and the fence that keeps seqs
 * unique. Implementations: {@link InMemoryMessageStore} (tests, the foundation's history service)
 * and {@link EventBusMessageStore} (a client for the history service).
 */
public interface MessageStore {

  /** The room's top seq and epoch; creates the room's lineage if the room is new. */
  Future<RoomState> state(String room);

  /**
   * Appends a batch atomically. The batch's seqs must be consecutive and start at the room's
   * top + 1 under the given epoch, otherwise nothing is written and the result is a
   * {@link AppendResult.Conflict}. If any message's dedupe key is already stored, nothing is
   * written and the result lists those messages' existing seqs.
   */
  Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch);

  /** Up to {@code limit} messages with seq greater than {@code afterSeq}, ascending. */
  Future<HistoryPage> after(String room, long afterSeq, int limit);
}
