package io.switchboard.common.history;

import io.vertx.core.Future;

/**
 * Reads a room's stored messages by seq: what a reconnecting client's replay and the HTTP
 * history API need, and all they may do.
 */
public interface HistoryReader {

  /** Up to {@code limit} messages with seq greater than {@code afterSeq}, ascending. */
  Future<HistoryPage> after(String room, long afterSeq, int limit);

  /** The last {@code limit} messages with seq less than {@code beforeSeq}, ascending. */
  Future<HistoryPage> before(String room, long beforeSeq, int limit);
}
