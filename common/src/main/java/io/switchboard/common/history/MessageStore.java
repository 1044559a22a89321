package io.switchboard.common.history;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;

/**
 * The durable record of every room: the source of truth for replay and the fence that keeps seqs
 * unique. Implementations: {@link InMemoryMessageStore} (tests), the history service's embedded
 * (SQLite) and PostgreSQL stores, and {@link EventBusMessageStore} (a client for the history
 * service). {@code MessageStoreContract} is the test suite all of them pass.
 */
public interface MessageStore {

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

  /** Up to {@code limit} messages with seq greater than {@code afterSeq}, ascending. */
  Future<HistoryPage> after(String room, long afterSeq, int limit);

  /** The last {@code limit} messages with seq less than {@code beforeSeq}, ascending. */
  Future<HistoryPage> before(String room, long beforeSeq, int limit);

  /**
   * Applies one retention rule to every room it governs (rooms under a longer prefix in
   * {@code longerPrefixes} follow their own rule). Removes whole prefixes of a room's history only,
   * so what remains stays gap-free, and never changes a room's top or epoch.
   *
   * @return how many messages were removed
   */
  Future<Long> applyRetention(RetentionRule rule, Collection<String> longerPrefixes, long nowMillis);
}
