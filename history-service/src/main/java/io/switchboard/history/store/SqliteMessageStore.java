package io.switchboard.history.store;

import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.history.RetentionRule;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.history.store.SqliteRooms.RoomRow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The embedded {@link MessageStore}: one SQLite file in WAL mode. All writes go through one
 * {@link GroupCommitWriter} on a dedicated thread; pages are read by {@link SqliteReaders}, a small
 * pool of reader connections, concurrently with the writer (WAL snapshots); {@link SqliteRetention}
 * trims on the writer thread.
 *
 * <p>Every JDBC call runs on the named worker pools {@code switchboard-sqlite-writer} and
 * {@code switchboard-sqlite-reader}, never on an event loop.
 */
public final class SqliteMessageStore implements MessageStore {

  private static final Logger log = LoggerFactory.getLogger(SqliteMessageStore.class);

  private final GroupCommitWriter writer;
  private final SqliteReaders readers;
  private final SqliteRetention retention;

  private SqliteMessageStore(GroupCommitWriter writer, SqliteReaders readers) {
    this.writer = writer;
    this.readers = readers;
    this.retention = new SqliteRetention(writer);
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
      return new SqliteMessageStore(new GroupCommitWriter(writer, write, options.maxGroupMessages()),
          new SqliteReaders(readers, reads));
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

  /** Closes the connections and worker pools: the writer's first, then the readers'. */
  public Future<Void> close() {
    return writer.close().eventually(readers::close);
  }

  @Override
  public Future<RoomState> state(String room) {
    return readers.state(room).compose(existing -> existing != null
        ? Future.succeededFuture(existing)
        : writer.transaction(c -> {
          RoomRow row = SqliteRooms.ensure(c, room);
          return new RoomState(row.top(), row.epoch());
        }));
  }

  @Override
  public Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
    return writer.append(room, epoch, batch);
  }

  @Override
  public Future<HistoryPage> after(String room, long afterSeq, int limit) {
    return readers.after(room, afterSeq, limit).compose(page -> orEmpty(page, room));
  }

  @Override
  public Future<HistoryPage> before(String room, long beforeSeq, int limit) {
    return readers.before(room, beforeSeq, limit).compose(page -> orEmpty(page, room));
  }

  @Override
  public Future<Long> applyRetention(RetentionRule rule, Collection<String> longerPrefixes, long nowMillis) {
    return retention.applyRetention(rule, longerPrefixes, nowMillis);
  }

  /** The page read, or for a room the store had not seen, an empty page of the room it creates. */
  private Future<HistoryPage> orEmpty(HistoryPage page, String room) {
    return page != null ? Future.succeededFuture(page)
        : state(room).map(s -> new HistoryPage(List.of(), s.top(), s.epoch(), s.top() + 1));
  }
}
