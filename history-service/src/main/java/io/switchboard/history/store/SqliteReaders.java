package io.switchboard.history.store;

import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.history.store.SqliteRooms.RoomRow;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * The embedded store's read side: a small pool of read-only connections on their own worker pool
 * ({@code switchboard-sqlite-reader}). Each read is one read transaction, so it sees one WAL
 * snapshot, concurrently with the writer. Reads never create a room: they answer null for a room
 * the store has not seen.
 */
final class SqliteReaders {

  private static final String AFTER = "SELECT seq, sender, client_msg_id, body, ts FROM sb_message"
      + " WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?";
  private static final String BEFORE = "SELECT seq, sender, client_msg_id, body, ts FROM sb_message"
      + " WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?";

  private final WorkerExecutor executor;
  private final BlockingQueue<Connection> connections;

  SqliteReaders(WorkerExecutor executor, BlockingQueue<Connection> connections) {
    this.executor = executor;
    this.connections = connections;
  }

  /** The room's state, or null if the room is new. */
  Future<RoomState> state(String room) {
    return read(c -> {
      RoomRow row = SqliteRooms.select(c, room);
      return row == null ? null : new RoomState(row.top(), row.epoch());
    });
  }

  /** Up to {@code limit} messages after {@code afterSeq}, or null if the room is new. */
  Future<HistoryPage> after(String room, long afterSeq, int limit) {
    return page(room, AFTER, afterSeq, limit, false);
  }

  /** The last {@code limit} messages before {@code beforeSeq}, or null if the room is new. */
  Future<HistoryPage> before(String room, long beforeSeq, int limit) {
    return page(room, BEFORE, beforeSeq, limit, true);
  }

  private Future<HistoryPage> page(String room, String sql, long bound, int limit, boolean descending) {
    return read(c -> {
      RoomRow row = SqliteRooms.select(c, room);
      if (row == null) {
        return null;
      }
      List<StoredMessage> messages = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement(sql)) {
        q.setString(1, room);
        q.setLong(2, bound);
        q.setInt(3, Math.max(0, limit));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            messages.add(new StoredMessage(room, rs.getLong(1), rs.getString(2), rs.getString(3),
                BodyCodec.decode(rs.getString(4)), rs.getLong(5)));
          }
        }
      }
      if (descending) {
        Collections.reverse(messages);
      }
      return new HistoryPage(messages, row.top(), row.epoch(), row.firstSeq());
    });
  }

  /** Runs a read on a pooled connection, inside one read transaction (a consistent snapshot). */
  private <T> Future<T> read(SqlFunction<T> query) {
    return executor.executeBlocking(() -> {
      Connection c = connections.take();
      try {
        c.setAutoCommit(false);
        return query.apply(c);
      } finally {
        try {
          c.commit();
          c.setAutoCommit(true);
        } finally {
          connections.add(c);
        }
      }
    });
  }

  /** Closes the pooled connections, then the worker pool. */
  Future<Void> close() {
    return executor.<Void>executeBlocking(() -> {
      for (Connection c : connections) {
        c.close();
      }
      return null;
    }).eventually(executor::close);
  }
}
