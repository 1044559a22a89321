package io.switchboard.history.store;

import io.switchboard.common.history.HistoryRetention;
import io.switchboard.common.history.RetentionRule;
import io.switchboard.history.store.SqliteRooms.RoomRow;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Retention for the embedded store: one rule is one transaction on the writer thread, so it never
 * races an append. It deletes a prefix of each governed room's messages and moves the room's
 * {@code first_seq} to the cut ({@link RetentionCut}).
 */
final class SqliteRetention implements HistoryRetention {

  private final GroupCommitWriter writer;

  SqliteRetention(GroupCommitWriter writer) {
    this.writer = writer;
  }

  @Override
  public Future<Long> applyRetention(RetentionRule rule, Collection<String> longerPrefixes, long nowMillis) {
    return writer.transaction(c -> {
      long removed = 0;
      for (RoomRow r : governedRooms(c, rule, longerPrefixes)) {
        long young = rule.limitsAge() ? firstYoungEnough(c, r, nowMillis - rule.maxAge().toMillis()) : r.top() + 1;
        long keepFrom = RetentionCut.keepFrom(rule, r.firstSeq(), r.top(), young);
        if (keepFrom > r.firstSeq()) {
          removed += trim(c, r.room(), keepFrom);
        }
      }
      return removed;
    });
  }

  private static List<RoomRow> governedRooms(Connection c, RetentionRule rule, Collection<String> longerPrefixes)
      throws SQLException {
    List<RoomRow> rooms = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement(
        "SELECT room, epoch, top_seq, first_seq FROM sb_room WHERE room >= ? AND room < ?")) {
      q.setString(1, rule.prefix());
      q.setString(2, RetentionCut.upperBound(rule.prefix()));
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          RoomRow r = new RoomRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4));
          if (rule.governs(r.room(), longerPrefixes)) {
            rooms.add(r);
          }
        }
      }
    }
    return rooms;
  }

  private static long firstYoungEnough(Connection c, RoomRow r, long cutoff) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "SELECT seq FROM sb_message WHERE room = ? AND seq >= ? AND ts >= ? ORDER BY seq LIMIT 1")) {
      q.setString(1, r.room());
      q.setLong(2, r.firstSeq());
      q.setLong(3, cutoff);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getLong(1) : r.top() + 1;
      }
    }
  }

  private static long trim(Connection c, String room, long keepFrom) throws SQLException {
    long removed;
    try (PreparedStatement delete = c.prepareStatement("DELETE FROM sb_message WHERE room = ? AND seq < ?")) {
      delete.setString(1, room);
      delete.setLong(2, keepFrom);
      removed = delete.executeUpdate();
    }
    try (PreparedStatement update = c.prepareStatement("UPDATE sb_room SET first_seq = ? WHERE room = ?")) {
      update.setLong(1, keepFrom);
      update.setString(2, room);
      update.executeUpdate();
    }
    return removed;
  }
}
