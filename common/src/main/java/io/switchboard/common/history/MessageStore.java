package io.switchboard.common.history;

/**
 * The durable record of every room: the source of truth for replay and the fence that keeps seqs
 * unique, with its retention. Implementations: {@link InMemoryMessageStore} (tests) and the
 * history service's embedded (SQLite) and PostgreSQL stores. {@code MessageStoreContract} is the
 * test suite all of them pass. Callers depend on the role they use: {@link HistoryReader},
 * {@link HistoryWriter}, {@link MessageLog} or {@link HistoryRetention}.
 */
public interface MessageStore extends MessageLog, HistoryRetention {
}
