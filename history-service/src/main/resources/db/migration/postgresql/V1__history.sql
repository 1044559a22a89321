-- Switchboard history, PostgreSQL store. Same logical schema as the SQLite migration.
CREATE TABLE sb_room (
  room      TEXT   NOT NULL PRIMARY KEY,
  epoch     TEXT   NOT NULL,               -- the room's history lineage
  top_seq   BIGINT NOT NULL,               -- highest committed seq, 0 for an empty room
  first_seq BIGINT NOT NULL                -- lowest retained seq (retention removes below it)
);

CREATE TABLE sb_message (
  room          TEXT   NOT NULL,
  seq           BIGINT NOT NULL,
  sender        TEXT   NOT NULL,
  client_msg_id TEXT   NOT NULL,
  body          TEXT   NOT NULL,           -- the JSON value, as JSON text
  ts            BIGINT NOT NULL,           -- epoch milliseconds
  PRIMARY KEY (room, seq)                  -- fences a stale shard owner
);

-- Deduplication of retried sends, per sender.
CREATE UNIQUE INDEX sb_message_dedupe ON sb_message (room, sender, client_msg_id);
