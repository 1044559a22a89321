package io.switchboard.history.store;

import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.Batches;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.history.UnprocessableMessageException;
import io.switchboard.history.store.SqliteRooms.RoomRow;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded store's only writer: one connection on one dedicated worker thread
 * ({@code switchboard-sqlite-writer}). It group-commits: every append that arrives while a
 * transaction is committing joins the next one, across rooms, so one fsync covers many batches.
 * Other writes (a new room, retention) run on the same thread as transactions of their own.
 */
final class GroupCommitWriter {

  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

  private final WorkerExecutor executor;
  private final Connection connection;
  private final int maxGroupMessages;
  private final WriterStatements statements;

  private final Object lock = new Object();
  private final ArrayDeque<PendingAppend> pending = new ArrayDeque<>();
  private boolean draining;

  /**
   * @param connection the writer connection, with auto-commit off
   * @param maxGroupMessages most messages one group commit takes (a larger single append still
   *     commits, alone)
   */
  GroupCommitWriter(WorkerExecutor executor, Connection connection, int maxGroupMessages) {
    this.executor = executor;
    this.connection = connection;
    this.maxGroupMessages = maxGroupMessages;
    this.statements = new WriterStatements(connection);
  }

  /**
   * Queues an append for the next group commit.
   *
   * @throws IllegalArgumentException at once if the batch is not a run of consecutive seqs of the room
   */
  Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
    Batches.requireContiguous(room, batch);
    PendingAppend p = new PendingAppend(room, epoch, batch, Promise.promise());
    boolean start;
    synchronized (lock) {
      pending.addLast(p);
      start = !draining;
      draining |= start;
    }
    if (start) {
      drain();
    }
    return p.promise.future();
  }

  /**
   * Runs {@code work} on the writer thread as one transaction of its own: committed if it
   * returns, rolled back if it throws.
   */
  <T> Future<T> transaction(SqlFunction<T> work) {
    return executor.executeBlocking(() -> {
      try {
        T result = work.apply(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    });
  }

  /** Closes the statements and the connection, then the worker pool. */
  Future<Void> close() {
    return executor.<Void>executeBlocking(() -> {
      statements.close();
      connection.close();
      return null;
    }).eventually(executor::close);
  }

  /** Commits everything pending as one transaction, then the next group, until nothing is left. */
  private void drain() {
    List<PendingAppend> group = new ArrayList<>();
    synchronized (lock) {
      int messages = 0;
      while (!pending.isEmpty() && (group.isEmpty() || messages + pending.peekFirst().batch.size() <= maxGroupMessages)) {
        PendingAppend p = pending.pollFirst();
        messages += p.batch.size();
        group.add(p);
      }
      if (group.isEmpty()) {
        draining = false;
        return;
      }
    }
    executor.executeBlocking(() -> commitGroup(group)).onComplete(ar -> {
      for (int i = 0; i < group.size(); i++) {
        if (ar.succeeded()) {
          ar.result().get(i).onComplete(group.get(i).promise);
        } else {
          group.get(i).promise.fail(ar.cause());
        }
      }
      drain();
    });
  }

  /**
   * Applies every append of the group in one transaction and commits it. An append the store
   * refuses ({@link UnprocessableMessageException}) has written nothing and fails alone: the
   * others in the group still commit. Any other failure rolls the whole group back.
   */
  private List<Future<AppendResult>> commitGroup(List<PendingAppend> group) throws SQLException {
    List<Future<AppendResult>> results = new ArrayList<>(group.size());
    try {
      for (PendingAppend p : group) {
        try {
          results.add(Future.succeededFuture(applyAppend(p)));
        } catch (UnprocessableMessageException e) {
          results.add(Future.failedFuture(e));
        }
      }
      connection.commit();
      return results;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      log.atError().addKeyValue("appends", group.size()).setCause(e).log("group commit failed");
      throw e;
    }
  }

  /**
   * One append inside the group's transaction: the fence, then the writes. The unique index on the
   * dedupe key detects a retried send, so the common case reads nothing per message; only when
   * the insert hits that index is the append rolled back to its savepoint and the existing seqs
   * looked up.
   */
  private AppendResult applyAppend(PendingAppend p) throws SQLException {
    // What the store can never hold is refused before anything is written.
    Batches.requireStorableIds(p.batch);
    String[] bodies = new String[p.batch.size()];
    for (int i = 0; i < bodies.length; i++) {
      bodies[i] = BodyCodec.encode(p.batch.get(i).body());
    }
    RoomRow row = SqliteRooms.ensure(connection, p.room);
    if (!row.epoch().equals(p.epoch) || p.batch.get(0).seq() != row.top() + 1) {
      return new AppendResult.Conflict(row.top(), row.epoch());
    }
    Savepoint savepoint = connection.setSavepoint();
    try {
      PreparedStatement insert = statements.insert();
      for (int i = 0; i < bodies.length; i++) {
        StoredMessage m = p.batch.get(i);
        insert.setString(1, p.room);
        insert.setLong(2, m.seq());
        insert.setString(3, m.sender());
        insert.setString(4, m.clientMsgId());
        insert.setString(5, bodies[i]);
        insert.setLong(6, m.ts());
        insert.addBatch();
      }
      insert.executeBatch();
    } catch (SQLException e) {
      // Extended result codes keep the primary code in the low byte.
      int code = e.getErrorCode() & 0xff;
      if (code != SQLiteErrorCode.SQLITE_CONSTRAINT.code && code != SQLiteErrorCode.SQLITE_TOOBIG.code) {
        throw e;
      }
      statements.insert().clearBatch();
      connection.rollback(savepoint);
      if (code == SQLiteErrorCode.SQLITE_TOOBIG.code) {
        throw new UnprocessableMessageException("a message is larger than SQLite can store", e);
      }
      return new AppendResult.Duplicates(Duplicates.nonEmpty(existingSeqs(p), p.room), row.top(), row.epoch());
    }
    long top = p.batch.get(p.batch.size() - 1).seq();
    PreparedStatement update = statements.updateTop();
    update.setLong(1, top);
    update.setString(2, p.room);
    update.executeUpdate();
    connection.releaseSavepoint(savepoint);
    return new AppendResult.Appended(top, row.epoch());
  }

  private Map<Integer, Long> existingSeqs(PendingAppend p) throws SQLException {
    Map<Integer, Long> duplicates = new HashMap<>();
    PreparedStatement find = statements.findByKey();
    for (int i = 0; i < p.batch.size(); i++) {
      StoredMessage m = p.batch.get(i);
      find.setString(1, p.room);
      find.setString(2, m.sender());
      find.setString(3, m.clientMsgId());
      try (ResultSet rs = find.executeQuery()) {
        if (rs.next()) {
          duplicates.put(i, rs.getLong(1));
        }
      }
    }
    return duplicates;
  }

  /** The writer's hot statements, prepared once on the writer connection (used on the writer thread only). */
  private static final class WriterStatements {
    private final Connection c;
    private PreparedStatement insert;
    private PreparedStatement updateTop;
    private PreparedStatement findByKey;

    WriterStatements(Connection c) {
      this.c = c;
    }

    PreparedStatement insert() throws SQLException {
      if (insert == null) {
        insert = c.prepareStatement("INSERT INTO sb_message (room, seq, sender, client_msg_id, body, ts) VALUES (?, ?, ?, ?, ?, ?)");
      }
      return insert;
    }

    PreparedStatement updateTop() throws SQLException {
      if (updateTop == null) {
        updateTop = c.prepareStatement("UPDATE sb_room SET top_seq = ? WHERE room = ?");
      }
      return updateTop;
    }

    PreparedStatement findByKey() throws SQLException {
      if (findByKey == null) {
        findByKey = c.prepareStatement("SELECT seq FROM sb_message WHERE room = ? AND sender = ? AND client_msg_id = ?");
      }
      return findByKey;
    }

    void close() throws SQLException {
      for (PreparedStatement ps : new PreparedStatement[] {insert, updateTop, findByKey}) {
        if (ps != null) {
          ps.close();
        }
      }
    }
  }

  private record PendingAppend(String room, String epoch, List<StoredMessage> batch, Promise<AppendResult> promise) {
  }
}
