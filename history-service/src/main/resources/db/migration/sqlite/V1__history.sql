-- Switchboard history, embedded store (SQLite). Same logical schema as the PostgreSQL migration.
CREATE TABLE sb_room (
  room      TEXT    NOT NULL PRIMARY KEY,
  epoch     TEXT    NOT NULL,              -- the room's history lineage
  top_seq   INTEGER NOT NULL,              -- highest committed seq, 0 for an empty room
  first_seq INTEGER NOT NULL               -- lowest retained seq (retention removes below it)
) WITHOUT ROWID;

CREATE TABLE sb_message (
  room          TEXT    NOT NULL,
  seq           INTEGER NOT NULL,
  sender        TEXT    NOT NULL,
  client_msg_id TEXT    NOT NULL,
  body          TEXT    NOT NULL,          -- the JSON value, as JSON text
  ts            INTEGER NOT NULL,          -- epoch milliseconds
  PRIMARY KEY (room, seq)                  -- fences a stale shard owner
) WITHOUT ROWID;

-- Deduplication of retried sends, per sender.
CREATE UNIQUE INDEX sb_message_dedupe ON sb_message (room, sender, client_msg_id);
