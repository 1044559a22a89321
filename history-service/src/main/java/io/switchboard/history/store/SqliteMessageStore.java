package io.switchboard.history.store;

import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.Batches;
import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.history.RetentionRule;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.history.UnprocessableMessageException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The embedded {@link MessageStore}: one SQLite file in WAL mode. All writes go through one
 * dedicated writer thread that group-commits: every append that arrives while a transaction is
 * committing joins the next one, across rooms, so one fsync covers many batches. Pages are read
 * on a small pool of reader connections, concurrently with the writer (WAL snapshots).
 *
 * <p>Every JDBC call runs on the named worker pools {@code switchboard-sqlite-writer} and
 * {@code switchboard-sqlite-reader}, never on an event loop.
 */
public final class SqliteMessageStore implements MessageStore {

  private static final Logger log = LoggerFactory.getLogger(SqliteMessageStore.class);

  private final SqliteOptions options;
  private final WorkerExecutor writer;
  private final WorkerExecutor readers;
  private final Connection writeConnection;
  private final BlockingQueue<Connection> readConnections;

  private final WriterStatements statements;
  private final Object lock = new Object();
  private final ArrayDeque<PendingAppend> pending = new ArrayDeque<>();
  private boolean draining;

  private SqliteMessageStore(SqliteOptions options, WorkerExecutor writer, WorkerExecutor readers,
                             Connection writeConnection, BlockingQueue<Connection> readConnections) {
    this.options = options;
    this.writer = writer;
    this.readers = readers;
    this.writeConnection = writeConnection;
    this.readConnections = readConnections;
    this.statements = new WriterStatements(writeConnection);
  }

  /** Opens (creating and migrating if needed) the database at {@code options.path()}. */
  public static Future<SqliteMessageStore> open(Vertx vertx, SqliteOptions options) {
    WorkerExecutor writer = vertx.createSharedWorkerExecutor("switchboard-sqlite-writer", 1);
    WorkerExecutor readers = vertx.createSharedWorkerExecutor("switchboard-sqlite-reader", options.readers());
    return writer.executeBlocking(() -> {
      Path file = Path.of(options.path()).toAbsolutePath();
      Files.createDirectories(file.getParent());
      String url = "jdbc:sqlite:" + file;
      Migrations.migrate(url, null, null, "sqlite", null);
      Connection write = connect(url, options, false);
      write.setAutoCommit(false);
      BlockingQueue<Connection> reads = new ArrayBlockingQueue<>(options.readers());
      for (int i = 0; i < options.readers(); i++) {
        reads.add(connect(url, options, true));
      }
      log.atInfo().addKeyValue("path", file).addKeyValue("synchronous", options.synchronous()).log("embedded store open");
      return new SqliteMessageStore(options, writer, readers, write, reads);
    });
  }

  private static Connection connect(String url, SqliteOptions options, boolean readOnly) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(readOnly);
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(options.synchronous()));
    config.setBusyTimeout(10_000);
    return config.createConnection(url);
  }

  /** Closes the connections and worker pools. */
  public Future<Void> close() {
    return writer.executeBlocking(() -> {
      statements.close();
      writeConnection.close();
      for (Connection c : readConnections) {
        c.close();
      }
      return null;
    }).eventually(() -> Future.all(writer.close(), readers.close())).mapEmpty();
  }

  @Override
  public Future<RoomState> state(String room) {
    return read(c -> selectRoom(c, room)).compose(existing -> existing != null
        ? Future.succeededFuture(new RoomState(existing.top, existing.epoch))
        : writer.executeBlocking(() -> {
          RoomRow row = ensureRoom(writeConnection, room);
          writeConnection.commit();
          return new RoomState(row.top, row.epoch);
        }));
  }

  @Override
  public Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
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

  /** Commits everything pending as one transaction, then the next group, until nothing is left. */
  private void drain() {
    List<PendingAppend> group = new ArrayList<>();
    synchronized (lock) {
      int messages = 0;
      while (!pending.isEmpty() && (group.isEmpty() || messages + pending.peekFirst().batch.size() <= options.maxGroupMessages())) {
        PendingAppend p = pending.pollFirst();
        messages += p.batch.size();
        group.add(p);
      }
      if (group.isEmpty()) {
        draining = false;
        return;
      }
    }
    writer.executeBlocking(() -> commitGroup(group)).onComplete(ar -> {
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
      writeConnection.commit();
      return results;
    } catch (SQLException | RuntimeException e) {
      writeConnection.rollback();
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
    RoomRow row = ensureRoom(writeConnection, p.room);
    if (!row.epoch.equals(p.epoch) || p.batch.get(0).seq() != row.top + 1) {
      return new AppendResult.Conflict(row.top, row.epoch);
    }
    Savepoint savepoint = writeConnection.setSavepoint();
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
      writeConnection.rollback(savepoint);
      if (code == SQLiteErrorCode.SQLITE_TOOBIG.code) {
        throw new UnprocessableMessageException("a message is larger than SQLite can store", e);
      }
      return new AppendResult.Duplicates(Duplicates.nonEmpty(existingSeqs(p), p.room), row.top, row.epoch);
    }
    long top = p.batch.get(p.batch.size() - 1).seq();
    PreparedStatement update = statements.updateTop();
    update.setLong(1, top);
    update.setString(2, p.room);
    update.executeUpdate();
    writeConnection.releaseSavepoint(savepoint);
    return new AppendResult.Appended(top, row.epoch);
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

  @Override
  public Future<HistoryPage> after(String room, long afterSeq, int limit) {
    return page(room, "SELECT seq, sender, client_msg_id, body, ts FROM sb_message"
        + " WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?", afterSeq, limit, false);
  }

  @Override
  public Future<HistoryPage> before(String room, long beforeSeq, int limit) {
    return page(room, "SELECT seq, sender, client_msg_id, body, ts FROM sb_message"
        + " WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?", beforeSeq, limit, true);
  }

  private Future<HistoryPage> page(String room, String sql, long bound, int limit, boolean descending) {
    return read(c -> {
      RoomRow row = selectRoom(c, room);
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
      return new HistoryPage(messages, row.top, row.epoch, row.firstSeq);
    }).compose(page -> page != null ? Future.succeededFuture(page)
        : state(room).map(s -> new HistoryPage(List.of(), s.top(), s.epoch(), s.top() + 1)));
  }

  @Override
  public Future<Long> applyRetention(RetentionRule rule, Collection<String> longerPrefixes, long nowMillis) {
    return writer.executeBlocking(() -> {
      long removed = 0;
      try {
        List<RoomRow> rooms = new ArrayList<>();
        try (PreparedStatement q = writeConnection.prepareStatement(
            "SELECT room, epoch, top_seq, first_seq FROM sb_room WHERE room >= ? AND room < ?")) {
          q.setString(1, rule.prefix());
          q.setString(2, RetentionCut.upperBound(rule.prefix()));
          try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
              RoomRow r = new RoomRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4));
              if (rule.governs(r.room, longerPrefixes)) {
                rooms.add(r);
              }
            }
          }
        }
        for (RoomRow r : rooms) {
          long young = rule.limitsAge() ? firstYoungEnough(r, nowMillis - rule.maxAge().toMillis()) : r.top + 1;
          long keepFrom = RetentionCut.keepFrom(rule, r.firstSeq, r.top, young);
          if (keepFrom > r.firstSeq) {
            removed += trim(r.room, keepFrom);
          }
        }
        writeConnection.commit();
        return removed;
      } catch (SQLException | RuntimeException e) {
        writeConnection.rollback();
        throw e;
      }
    });
  }

  private long firstYoungEnough(RoomRow r, long cutoff) throws SQLException {
    try (PreparedStatement q = writeConnection.prepareStatement(
        "SELECT seq FROM sb_message WHERE room = ? AND seq >= ? AND ts >= ? ORDER BY seq LIMIT 1")) {
      q.setString(1, r.room);
      q.setLong(2, r.firstSeq);
      q.setLong(3, cutoff);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getLong(1) : r.top + 1;
      }
    }
  }

  private long trim(String room, long keepFrom) throws SQLException {
    long removed;
    try (PreparedStatement delete = writeConnection.prepareStatement("DELETE FROM sb_message WHERE room = ? AND seq < ?")) {
      delete.setString(1, room);
      delete.setLong(2, keepFrom);
      removed = delete.executeUpdate();
    }
    try (PreparedStatement update = writeConnection.prepareStatement("UPDATE sb_room SET first_seq = ? WHERE room = ?")) {
      update.setLong(1, keepFrom);
      update.setString(2, room);
      update.executeUpdate();
    }
    return removed;
  }

  /** Runs a read on a pooled reader connection, inside one read transaction (a consistent snapshot). */
  private <T> Future<T> read(SqlFunction<T> query) {
    return readers.executeBlocking(() -> {
      Connection c = readConnections.take();
      try {
        c.setAutoCommit(false);
        return query.apply(c);
      } finally {
        try {
          c.commit();
          c.setAutoCommit(true);
        } finally {
          readConnections.add(c);
        }
      }
    });
  }

  private static RoomRow selectRoom(Connection c, String room) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT epoch, top_seq, first_seq FROM sb_room WHERE room = ?")) {
      q.setString(1, room);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? new RoomRow(room, rs.getString(1), rs.getLong(2), rs.getLong(3)) : null;
      }
    }
  }

  /** The room's row, created with a new epoch if the room is new (inside the caller's transaction). */
  private static RoomRow ensureRoom(Connection c, String room) throws SQLException {
    RoomRow row = selectRoom(c, room);
    if (row != null) {
      return row;
    }
    String epoch = Batches.newEpoch();
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO sb_room (room, epoch, top_seq, first_seq) VALUES (?, ?, 0, 1)")) {
      insert.setString(1, room);
      insert.setString(2, epoch);
      insert.executeUpdate();
    }
    return new RoomRow(room, epoch, 0, 1);
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

  @FunctionalInterface
  private interface SqlFunction<T> {
    T apply(Connection c) throws Exception;
  }

  private record RoomRow(String room, String epoch, long top, long firstSeq) {
  }

  private record PendingAppend(String room, String epoch, List<StoredMessage> batch, Promise<AppendResult> promise) {
  }
}
