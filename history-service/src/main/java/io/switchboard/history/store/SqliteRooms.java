package io.switchboard.history.store;

import io.switchboard.common.history.Batches;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The embedded store's {@code sb_room} rows: a room's epoch, top and lowest retained seq. */
final class SqliteRooms {

  /** One room's row. */
  record RoomRow(String room, String epoch, long top, long firstSeq) {
  }

  private SqliteRooms() {
  }

  /** The room's row, or null if the room is new. */
  static RoomRow select(Connection c, String room) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT epoch, top_seq, first_seq FROM sb_room WHERE room = ?")) {
      q.setString(1, room);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? new RoomRow(room, rs.getString(1), rs.getLong(2), rs.getLong(3)) : null;
      }
    }
  }

  /** The room's row, created with a new epoch if the room is new (inside the caller's transaction). */
  static RoomRow ensure(Connection c, String room) throws SQLException {
    RoomRow row = select(c, room);
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
}
