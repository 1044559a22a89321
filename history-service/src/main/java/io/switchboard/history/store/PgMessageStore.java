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
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The production {@link MessageStore}: PostgreSQL through the reactive Vert.x client (pipelined,
 * pooled, no thread blocked). Any number of history-service instances can share one database: an
 * append locks its room's row for the length of one short transaction, so the fence and the
 * deduplication hold across instances; the primary key on {@code (room, seq)} backs them up.
 */
public final class PgMessageStore implements MessageStore {

  private static final Logger log = LoggerFactory.getLogger(PgMessageStore.class);

  private final Pool pool;
  private final String rooms;
  private final String messages;

  private PgMessageStore(Pool pool, String schema) {
    this.pool = pool;
    this.rooms = schema + ".sb_room";
    this.messages = schema + ".sb_message";
  }

  /** Migrates the schema (Flyway, on a worker thread) and opens the connection pool. */
  public static Future<PgMessageStore> open(Vertx vertx, PgOptions options) {
    WorkerExecutor migrations = vertx.createSharedWorkerExecutor("switchboard-migrations", 1);
    return migrations.executeBlocking(() -> {
      Migrations.migrate(options.jdbcUrl(), options.user(), options.password(), "postgresql", options.schema());
      return null;
    }).eventually(migrations::close).map(v -> {
      PgConnectOptions connect = options.connectOptions().setPipeliningLimit(256).setCachePreparedStatements(true);
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(options.poolSize()))
          .connectingTo(connect).using(vertx).build();
      log.atInfo().addKeyValue("host", options.host()).addKeyValue("database", options.database())
          .addKeyValue("schema", options.schema()).log("PostgreSQL store open");
      return new PgMessageStore(pool, options.schema());
    });
  }

  public Future<Void> close() {
    return pool.close();
  }

  @Override
  public Future<RoomState> state(String room) {
    return pool.preparedQuery("SELECT epoch, top_seq FROM " + rooms + " WHERE room = $1").execute(Tuple.of(room))
        .compose(rs -> rs.size() > 0 ? Future.succeededFuture(rs) : createRoom(pool, room))
        .map(rs -> {
          Row r = rs.iterator().next();
          return new RoomState(r.getLong("top_seq"), r.getString("epoch"));
        })
        .recover(PgMessageStore::refusedData);
  }

  /** Inserts the room with a new epoch unless it exists; returns its row either way. */
  private Future<RowSet<Row>> createRoom(io.vertx.sqlclient.SqlClient client, String room) {
    return client.preparedQuery("INSERT INTO " + rooms + " (room, epoch, top_seq, first_seq) VALUES ($1, $2, 0, 1)"
            + " ON CONFLICT (room) DO NOTHING").execute(Tuple.of(room, Batches.newEpoch()))
        .compose(v -> client.preparedQuery("SELECT epoch, top_seq, first_seq FROM " + rooms + " WHERE room = $1")
            .execute(Tuple.of(room)));
  }

  @Override
  public Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
    Batches.requireContiguous(room, batch);
    return pool.withTransaction(conn -> conn
        .preparedQuery("SELECT epoch, top_seq FROM " + rooms + " WHERE room = $1 FOR UPDATE").execute(Tuple.of(room))
        .compose(rs -> rs.size() > 0 ? Future.succeededFuture(rs) : createRoom(conn, room))
        .compose(rs -> {
          Row row = rs.iterator().next();
          long top = row.getLong("top_seq");
          String current = row.getString("epoch");
          if (!current.equals(epoch) || batch.get(0).seq() != top + 1) {
            return Future.succeededFuture(new AppendResult.Conflict(top, current));
          }
          return insert(conn, room, batch).map(v -> (AppendResult) new AppendResult.Appended(batch.get(batch.size() - 1).seq(), epoch));
        }))
        .recover(e -> e instanceof DuplicateKeys
            ? pool.withConnection(conn -> findDuplicates(conn, room, batch)).map(dups -> Duplicates.nonEmpty(dups, room))
                .compose(dups -> state(room).map(st -> new AppendResult.Duplicates(dups, st.top(), st.epoch())))
            : refusedData(e));
  }

  /**
   * PostgreSQL refuses data it can never store with a data exception (SQLSTATE class 22), such as
   * a NUL character in TEXT (22021). The transaction rolled back, and the same data will fail the
   * same way, so it is reported as {@link UnprocessableMessageException}; anything else is passed
   * on unchanged and leaves the outcome unknown.
   */
  static <T> Future<T> refusedData(Throwable failure) {
    if (failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
      return Future.failedFuture(new UnprocessableMessageException(
          "PostgreSQL refused the data (SQLSTATE " + pg.getSqlState() + "): " + pg.getErrorMessage(), pg));
    }
    return Future.failedFuture(failure);
  }

  /** Thrown inside an append's transaction when a dedupe key already exists: rolls the append back. */
  private static final class DuplicateKeys extends RuntimeException {
    DuplicateKeys() {
      super(null, null, false, false);
    }
  }

  private Future<Map<Integer, Long>> findDuplicates(SqlConnection conn, String room, List<StoredMessage> batch) {
    String[] ids = batch.stream().map(StoredMessage::clientMsgId).distinct().toArray(String[]::new);
    return conn.preparedQuery("SELECT sender, client_msg_id, seq FROM " + messages
            + " WHERE room = $1 AND client_msg_id = ANY($2)").execute(Tuple.of(room, (Object) ids))
        .map(rs -> {
          Map<String, Long> stored = new HashMap<>();
          rs.forEach(r -> stored.put(r.getString("sender") + '\u0000' + r.getString("client_msg_id"), r.getLong("seq")));
          Map<Integer, Long> dups = new HashMap<>();
          for (int i = 0; i < batch.size(); i++) {
            Long seq = stored.get(batch.get(i).dedupeKey());
            if (seq != null) {
              dups.put(i, seq);
            }
          }
          return dups;
        });
  }

  private Future<Void> insert(SqlConnection conn, String room, List<StoredMessage> batch) {
    int n = batch.size();
    Long[] seqs = new Long[n];
    String[] senders = new String[n];
    String[] ids = new String[n];
    String[] bodies = new String[n];
    Long[] ts = new Long[n];
    for (int i = 0; i < n; i++) {
      StoredMessage m = batch.get(i);
      seqs[i] = m.seq();
      senders[i] = m.sender();
      ids[i] = m.clientMsgId();
      bodies[i] = BodyCodec.encode(m.body());
      ts[i] = m.ts();
    }
    long top = seqs[n - 1];
    // Both statements are pipelined on the connection; a retried send (its dedupe key exists)
    // inserts fewer rows than given, and the whole transaction is rolled back.
    Future<RowSet<Row>> inserted = conn.preparedQuery("INSERT INTO " + messages
            + " (room, seq, sender, client_msg_id, body, ts)"
            + " SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[])"
            + " ON CONFLICT (room, sender, client_msg_id) DO NOTHING")
        .execute(Tuple.of(room, seqs, senders, ids, bodies, ts));
    Future<RowSet<Row>> moved = conn.preparedQuery("UPDATE " + rooms + " SET top_seq = $2 WHERE room = $1")
        .execute(Tuple.of(room, top));
    return Future.all(inserted, moved).compose(v -> inserted.result().rowCount() == n
        ? Future.succeededFuture() : Future.failedFuture(new DuplicateKeys()));
  }

  @Override
  public Future<HistoryPage> after(String room, long afterSeq, int limit) {
    return page(room, "m.seq > $2 ORDER BY m.seq", afterSeq, limit, false);
  }

  @Override
  public Future<HistoryPage> before(String room, long beforeSeq, int limit) {
    return page(room, "m.seq < $2 ORDER BY m.seq DESC", beforeSeq, limit, true);
  }

  /** The room's row and one page of its messages in one statement, so both come from one snapshot. */
  private Future<HistoryPage> page(String room, String condition, long bound, int limit, boolean descending) {
    String sql = "SELECT r.epoch, r.top_seq, r.first_seq, m.seq, m.sender, m.client_msg_id, m.body, m.ts"
        + " FROM " + rooms + " r LEFT JOIN LATERAL (SELECT * FROM " + messages + " m WHERE m.room = r.room AND "
        + condition + " LIMIT $3) m ON true WHERE r.room = $1";
    return pool.preparedQuery(sql).execute(Tuple.of(room, bound, Math.max(0, limit))).compose(rs -> {
      if (rs.size() == 0) {
        return state(room).map(s -> new HistoryPage(List.of(), s.top(), s.epoch(), s.top() + 1));
      }
      List<StoredMessage> out = new ArrayList<>(rs.size());
      Row first = null;
      for (Row r : rs) {
        first = first == null ? r : first;
        if (r.getLong("seq") != null) {
          out.add(new StoredMessage(room, r.getLong("seq"), r.getString("sender"), r.getString("client_msg_id"),
              BodyCodec.decode(r.getString("body")), r.getLong("ts")));
        }
      }
      if (descending) {
        Collections.reverse(out);
      }
      return Future.succeededFuture(new HistoryPage(out, first.getLong("top_seq"), first.getString("epoch"),
          first.getLong("first_seq")));
    }).recover(PgMessageStore::refusedData);
  }

  @Override
  public Future<Long> applyRetention(RetentionRule rule, Collection<String> longerPrefixes, long nowMillis) {
    return pool.preparedQuery("SELECT room, top_seq, first_seq FROM " + rooms + " WHERE room >= $1 AND room < $2")
        .execute(Tuple.of(rule.prefix(), RetentionCut.upperBound(rule.prefix())))
        .compose(rs -> {
          Future<Long> chain = Future.succeededFuture(0L);
          for (Row r : rs) {
            String room = r.getString("room");
            if (rule.governs(room, longerPrefixes)) {
              long top = r.getLong("top_seq");
              long firstSeq = r.getLong("first_seq");
              chain = chain.compose(total -> trimRoom(rule, room, top, firstSeq, nowMillis).map(n -> total + n));
            }
          }
          return chain;
        });
  }

  private Future<Long> trimRoom(RetentionRule rule, String room, long top, long firstSeq, long nowMillis) {
    Future<Long> young = !rule.limitsAge() ? Future.succeededFuture(top + 1)
        : pool.preparedQuery("SELECT min(seq) AS seq FROM " + messages + " WHERE room = $1 AND seq >= $2 AND ts >= $3")
            .execute(Tuple.of(room, firstSeq, nowMillis - rule.maxAge().toMillis()))
            .map(rs -> {
              Long seq = rs.iterator().next().getLong("seq");
              return seq == null ? top + 1 : seq;
            });
    return young.compose(y -> {
      long keepFrom = RetentionCut.keepFrom(rule, firstSeq, top, y);
      if (keepFrom <= firstSeq) {
        return Future.succeededFuture(0L);
      }
      return pool.withTransaction(conn -> conn
          .preparedQuery("DELETE FROM " + messages + " WHERE room = $1 AND seq < $2").execute(Tuple.of(room, keepFrom))
          .compose(deleted -> conn.preparedQuery("UPDATE " + rooms + " SET first_seq = GREATEST(first_seq, $2) WHERE room = $1")
              .execute(Tuple.of(room, keepFrom)).map(v -> (long) deleted.rowCount())));
    });
  }
}
